package timeline

import "time"

// Update runs change on c, a case as stored, and then keeps LastPending
// in step with what the change did to the case's status. Every change of
// a stored case's milestones or as-of date goes through it (AddMilestone
// does, and so do the owner's edit and the "still pending" confirmation),
// so the rule lives in this one place:
//
//   - pending before, decided after: the decision is being recorded now,
//     and the last day the case was known to be still pending is the
//     as-of date it had until now;
//   - decided before, pending after (an edit removed the decision): zero,
//     as for every pending case;
//   - otherwise LastPending stays as it was: a decided case that stays
//     decided keeps it, and a pending case has none.
func (c *Case) Update(change func(c *Case)) {
	wasPending, asOf := c.Status() == StatusPending, c.AsOf
	change(c)
	pending := c.Status() == StatusPending
	switch {
	case wasPending && !pending:
		c.LastPending = asOf
	case pending:
		c.LastPending = time.Time{}
	}
}

package alerts

import "time"

// Purposes of the links alerts and reminders mail (store.Token.Purpose).
const (
	// PurposeUnsubscribe stops the mail of an alert (subject: the alert
	// id) or the "still pending?" reminders (subject: SubjectReminders).
	// Unlike the other links it is not spent by use: it may be used
	// again until it expires (a second click finds the mail stopped).
	PurposeUnsubscribe = "unsubscribe"
	// PurposeStillPending confirms that a case (the subject) is still
	// pending; it works once.
	PurposeStillPending = "still-pending"
)

// SubjectReminders is the subject of the unsubscribe link of a reminder:
// it stops every reminder of the account.
const SubjectReminders = "reminders"

// How long the links stay valid. An unsubscribe link must keep working
// for as long as people keep the mail around and their mail program
// offers the button (RFC 8058 asks for a reasonable time); a "still
// waiting" link until well after the next monthly reminder brings a new
// one.
const (
	UnsubscribeValid  = 90 * 24 * time.Hour
	StillPendingValid = 45 * 24 * time.Hour
)

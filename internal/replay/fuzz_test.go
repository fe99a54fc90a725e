package replay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// FuzzReplayJSONL feeds arbitrary bytes to the JSON Lines reader: it must
// never panic or stall, and every row it accepts must become a case the
// store takes and gives back unchanged.
func FuzzReplayJSONL(f *testing.F) {
	f.Add([]byte(goodLine + "\n"))
	for _, ir := range importRows {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		w.Write(ir.row)
		w.Flush()
		f.Add(buf.Bytes())
	}
	f.Add([]byte("\ufeff" + goodLine + "\r\n\n{\"category\":\"n400\",}\n[1]\n" + goodLine + goodLine))
	f.Add([]byte(`{"category":"k1","country":"us","filed":"1990-01","shared":"1990-01-01","milestones":[{"code":"denied","date":"1990-01"}],"last_pending":"1990-01-31"}`))
	f.Add([]byte(`{"category":"eb2-niw","country":"IN","filed":"2024-03","shared":"2024-03-01","as_of":"2025-06-10","note":"EAC2190012345","shaerd":1}`))
	f.Add([]byte(detailsJSONL))
	st := storetest.SQLite(f)
	cat := catalog.Default()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFile(t, st, cat, data, JSONLines) })
}

// FuzzReplayCSV is FuzzReplayJSONL for CSV files.
func FuzzReplayCSV(f *testing.F) {
	f.Add([]byte("category,country,service_center,filed,milestones,note,shared,last_pending,as_of\n" +
		"eb2-niw,IN,TSC,2024-03,received:2024-03-20;approved:2025-06,Fast.,2024-04-02,2025-05-01,2025-06-09\n"))
	f.Add([]byte("\ufeffShared, Country ,Category,Filed,Received,APPROVED,rfe\r\n2024-04-02,IN,eb2-niw,2024-03,2024-03-20,2025-06,2024-05-01;2024-07\r\n,,,,,,\r\n"))
	f.Add([]byte("category,country,filed,shared,note\nn400,MX,2024-01,2024-02-01,\"a, \"\"b\"\"\nc\"\nn400,MX,2024-01\nn400,MX,2024-01,2024-02-01,x\"y\n"))
	f.Add([]byte("category,country,filed,shared,shared,recieved\n"))
	f.Add([]byte(detailsCSV))
	st := storetest.SQLite(f)
	cat := catalog.Default()
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFile(t, st, cat, data, CSV) })
}

func fuzzFile(t *testing.T, st *store.Store, cat *catalog.Catalog, data []byte, format Format) {
	ctx := context.Background()
	today := timeline.Today(testToday)
	_, checkErr := Check(bytes.NewReader(data), format, cat, testToday, nil)
	rd, err := NewReader(bytes.NewReader(data), format, cat)
	if err != nil {
		var errs *Errors
		if !errors.As(err, &errs) && !errors.Is(err, errEmpty) {
			t.Fatalf("NewReader: %v", err)
		}
		if checkErr == nil {
			t.Fatal("Check accepted a file NewReader refused")
		}
		return
	}
	allGood, rows := true, 0
	for i := 0; ; i++ {
		if i > len(data)+1 {
			t.Fatal("more rows than bytes: the reader does not advance")
		}
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		rows++
		var re *RowError
		if errors.As(err, &re) {
			if re.Row < 1 || re.Row != line || re.Msg == "" {
				t.Fatalf("row error %+v on line %d", re, line)
			}
			allGood = false
			continue
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		c, fe := row.Case(cat, testToday)
		if fe != nil {
			for k, msg := range fe {
				if msg == "" {
					t.Fatalf("no message for %s", k)
				}
			}
			allGood = false
			continue
		}

		// The dates keep their order.
		if c.AsOf.Before(c.Created) || c.AsOf.After(today) ||
			!c.LastPending.IsZero() && (c.LastPending.Before(c.Created) || c.LastPending.After(c.AsOf)) ||
			!c.LastPending.IsZero() && c.Status() == timeline.StatusPending {
			t.Fatalf("dates out of order: created %v, last pending %v, as of %v, today %v", c.Created, c.LastPending, c.AsOf, today)
		}
		// The store takes the case and gives it back.
		if err := st.CreateCase(ctx, c, nil); err != nil {
			t.Fatalf("the store refused an accepted row: %v\n%+v", err, row)
		}
		back, err := st.Case(ctx, c.ID)
		if err != nil || !sameCase(back, c) {
			t.Fatalf("stored %+v, read back %+v (%v)", c, back, err)
		}
		if err := st.DeleteCase(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		// Its row, written again, reads back to the same case.
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.Write(FromCase(c)); err != nil || w.Flush() != nil {
			t.Fatal(err)
		}
		again, _, err := newJSONLReader(&buf).read()
		if err != nil {
			t.Fatalf("a written row does not read back: %v\n%s", err, buf.String())
		}
		c2, fe := again.Case(cat, testToday)
		if fe != nil {
			t.Fatalf("a written row is refused: %v\n%s", fe, buf.String())
		}
		c2.ID = c.ID
		if !sameCase(c2, c) {
			t.Fatalf("written and read back: %+v\nwant %+v", c2, c)
		}
	}
	if (checkErr == nil) != (allGood && rows > 0) {
		t.Fatalf("Check says %v, but %d rows were read, all good: %v", checkErr, rows, allGood)
	}
}

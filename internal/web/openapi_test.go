package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	res := e.get("/api/v1/openapi.json")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", res.status, res.header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	res.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	for _, op := range []struct{ method, path string }{
		{"get", "/api/v1/catalog"},
		{"post", "/api/v1/cases"},
		{"get", "/api/v1/cases/{id}"},
		{"delete", "/api/v1/cases/{id}"},
		{"post", "/api/v1/cases/{id}/milestones"},
		{"post", "/api/v1/cases/{id}/confirm"},
		{"get", "/api/v1/stats"},
		{"get", "/api/v1/outlook"},
		{"get", "/api/v1/openapi.json"},
		{"get", "/api/v1/me/export"},
		{"delete", "/api/v1/me"},
		{"get", "/api/v1/feed"},
		{"post", "/api/v1/cases/{id}/reports"},
	} {
		if _, ok := doc.Paths[op.path][op.method]; !ok {
			t.Errorf("the document does not describe %s %s", strings.ToUpper(op.method), op.path)
		}
	}
	// Every $ref points at something defined.
	var raw map[string]any
	res.json(t, &raw)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref, _ := x.(string)
					if !resolves(raw, ref) {
						t.Errorf("unresolved $ref %q", ref)
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(raw)
}

func resolves(doc map[string]any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

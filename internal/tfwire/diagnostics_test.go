package tfwire

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ToAttributePath keeps every kind of step the framework's paths can hold, and stops at a set element.
func TestToAttributePath(t *testing.T) {
	t.Parallel()
	got := ToAttributePath(path.Root("groups").AtListIndex(3).AtName("users").AtMapKey("k"))
	want := tftypes.NewAttributePath().WithAttributeName("groups").WithElementKeyInt(3).WithAttributeName("users").
		WithElementKeyString("k")
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	got = ToAttributePath(path.Root("names").AtSetValue(types.StringValue("x")).AtName("y"))
	if want := tftypes.NewAttributePath().WithAttributeName("names"); !got.Equal(want) {
		t.Errorf("a set element: got %v, want %v", got, want)
	}
}

// Diagnostics reach the protocol with their severity, text and attribute, in order.
func TestToProtocolDiagnostics(t *testing.T) {
	t.Parallel()
	diags := ErrorDiagnostics("Broken", "It broke.")
	diags.AddWarning("Careful", "Mind it.")
	diags.AddAttributeError(path.Root("names"), "Bad Name", "No such name.")
	diags.AddAttributeWarning(path.Root("page_size"), "Odd Size", "Unusual.")
	got := ToProtocolDiagnostics(diags)
	want := []*tfprotov6.Diagnostic{
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Broken", Detail: "It broke."},
		{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "Careful", Detail: "Mind it."},
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Bad Name", Detail: "No such name.",
			Attribute: tftypes.NewAttributePath().WithAttributeName("names")},
		{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "Odd Size", Detail: "Unusual.",
			Attribute: tftypes.NewAttributePath().WithAttributeName("page_size")},
	}
	if len(got) != len(want) {
		t.Fatalf("%d diagnostics, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Severity != w.Severity || g.Summary != w.Summary || g.Detail != w.Detail ||
			(g.Attribute == nil) != (w.Attribute == nil) || (w.Attribute != nil && !g.Attribute.Equal(w.Attribute)) {
			t.Errorf("diagnostic %d: got %+v, want %+v", i, g, w)
		}
	}
	if got := ToProtocolDiagnostics(nil); got == nil || len(got) != 0 {
		t.Errorf("no diagnostics: got %#v, want an empty slice", got)
	}
}

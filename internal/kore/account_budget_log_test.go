package kore

import (
	"context"
	"testing"
	"time"
)

// levelLogger records the level of each line and its fields.
type levelLogger struct {
	levels []string
	fields []map[string]any
}

func (l *levelLogger) Debug(_ context.Context, _ string, fields map[string]any) {
	l.levels, l.fields = append(l.levels, "debug"), append(l.fields, fields)
}

func (l *levelLogger) Warn(_ context.Context, _ string, fields map[string]any) {
	l.levels, l.fields = append(l.levels, "warn"), append(l.fields, fields)
}

// A wait the user can notice (a second or more) is a warning; a shorter one only a debug line.
func TestBudgetWaitsOfASecondOrMoreAreWarnings(t *testing.T) {
	tests := []struct {
		wait  time.Duration
		level string
	}{
		{wait: 999 * time.Millisecond, level: "debug"},
		{wait: time.Second, level: "warn"},
		{wait: 42 * time.Second, level: "warn"},
	}
	for _, tt := range tests {
		t.Run(tt.wait.String()+" is logged as "+tt.level, func(t *testing.T) {
			logger := &levelLogger{}
			c := &Client{logger: logger}
			c.logBudgetWait(context.Background(), tt.wait, "minute")
			if len(logger.levels) != 1 || logger.levels[0] != tt.level {
				t.Fatalf("levels = %q, want one %s line", logger.levels, tt.level)
			}
			if got := logger.fields[0]; got["wait_ms"] != tt.wait.Milliseconds() || got["reason"] != "minute" {
				t.Errorf("fields = %v, want wait_ms %d and the reason", got, tt.wait.Milliseconds())
			}
		})
	}
	t.Run("without a logger nothing is logged and nothing fails", func(t *testing.T) {
		(&Client{}).logBudgetWait(context.Background(), time.Minute, "hour")
	})
}

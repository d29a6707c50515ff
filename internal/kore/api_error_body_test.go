package kore

import (
	"net/http"
	"strings"
	"testing"
)

// An error answer's message comes from errors[].msg, or from a gateway's "message" when there is none; the code is
// the first one given; an answer without any message is described by its size and content type, never quoted.
func TestAPIErrorsReadKoreAndGatewayMessages(t *testing.T) {
	tests := []struct {
		name, body, message string
		code, bodyBytes     int
	}{
		{name: "a gateway's message", body: `{"message":"Endpoint request timed out"}`,
			message: "Endpoint request timed out"},
		{name: "Kore.ai's messages before a gateway's", body: `{"errors":[{"msg":"a","code":"4001"},{"msg":"b","code":4002}],"message":"c"}`,
			message: "a; b", code: 4001},
		{name: "the first code given, after an error without one", body: `{"errors":[{"msg":"a"},{"msg":"b","code":4002},{"code":4003}]}`,
			message: "a; b", code: 4002},
		{name: "an empty message and no errors", body: `{"message":""}`, bodyBytes: 14},
		{name: "not JSON", body: `<html>Bad Gateway</html>`, bodyBytes: 24},
		{name: "a listing in an error status", body: `{"total":1,"bots":[{"clientSecret":"s"}]}`, bodyBytes: 41},
	}
	c := &Client{redactor: NewRedactor()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apiErr := c.newAPIError(&http.Response{StatusCode: http.StatusBadGateway,
				Header: http.Header{"Content-Type": {"text/html"}}}, []byte(tt.body), request{page: -1}, 1)
			if apiErr.Message != tt.message || apiErr.Code != tt.code || apiErr.BodyBytes != tt.bodyBytes {
				t.Errorf("message %q, code %d, body bytes %d; want %q, %d, %d", apiErr.Message, apiErr.Code,
					apiErr.BodyBytes, tt.message, tt.code, tt.bodyBytes)
			}
			if wantType := map[bool]string{true: "text/html", false: ""}[tt.message == ""]; apiErr.ContentType != wantType {
				t.Errorf("content type %q, want %q", apiErr.ContentType, wantType)
			}
			if strings.Contains(apiErr.Error(), "clientSecret") || strings.Contains(apiErr.Error(), "<html>") {
				t.Errorf("the error quotes the body: %s", apiErr)
			}
		})
	}
}

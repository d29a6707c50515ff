package kore

import (
	"net/http"
	"testing"
)

// An error answer's message comes from errors[].msg, or from a gateway's "message" when there is none; the code is
// the first one given; only an answer without any message has its body quoted.
func TestAPIErrorsReadKoreAndGatewayMessages(t *testing.T) {
	tests := []struct {
		name, body, message, rawBody string
		code                         int
	}{
		{name: "a gateway's message", body: `{"message":"Endpoint request timed out"}`,
			message: "Endpoint request timed out"},
		{name: "Kore.ai's messages before a gateway's", body: `{"errors":[{"msg":"a","code":"4001"},{"msg":"b","code":4002}],"message":"c"}`,
			message: "a; b", code: 4001},
		{name: "the first code given, after an error without one", body: `{"errors":[{"msg":"a"},{"msg":"b","code":4002},{"code":4003}]}`,
			message: "a; b", code: 4002},
		{name: "an empty message and no errors", body: `{"message":""}`, rawBody: `{"message":""}`},
		{name: "not JSON", body: `<html>Bad Gateway</html>`, rawBody: `<html>Bad Gateway</html>`},
	}
	c := &Client{redactor: NewRedactor()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apiErr := c.newAPIError(&http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}},
				[]byte(tt.body), -1, 1)
			if apiErr.Message != tt.message || apiErr.Code != tt.code || apiErr.Body != tt.rawBody {
				t.Errorf("message %q, code %d, body %q; want %q, %d, %q", apiErr.Message, apiErr.Code, apiErr.Body,
					tt.message, tt.code, tt.rawBody)
			}
		})
	}
}

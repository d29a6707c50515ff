package main

import (
	"log/slog"
	"net/http"
	"time"
)

// logRequests logs method, path and query, status and duration of each request. Headers are never logged:
// the auth header carries the JWT.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		recorder := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(recorder, r)
		status, clientGone := recorder.status, false
		if status == 0 {
			// Nothing was written: net/http sends 200, unless the client left first and nothing was sent.
			clientGone = r.Context().Err() != nil
			if !clientGone {
				status = http.StatusOK
			}
		}
		attrs := []any{
			"method", r.Method,
			"uri", r.URL.RequestURI(),
			"status", status,
			"duration", time.Since(started).Round(time.Microsecond),
		}
		if clientGone {
			attrs = append(attrs, "client_gone", true)
		}
		logger.Info("request", attrs...)
	})
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (to flush or hijack) through the recorder.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

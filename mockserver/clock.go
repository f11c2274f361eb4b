package mockserver

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// Clock modes, as the -clock flag names them.
const (
	ClockReal   = "real"
	ClockManual = "manual"
)

// maxAdvance bounds one advance, so a typo cannot overflow time.
const maxAdvance = 10 * 365 * 24 * time.Hour

// newWorldClock returns the clock of a new sandbox: the shared wall clock,
// or on a manual clock a manual clock of its own starting at the default
// world's time, so that one sandbox's advance moves no other.
func (s *Server) newWorldClock() world.Clock {
	if mc, ok := s.clock.(*world.ManualClock); ok {
		return world.NewManualClock(mc.Now())
	}
	return s.clock
}

// clockMode names the kind of s.clock.
func (s *Server) clockMode() string {
	if _, ok := s.clock.(*world.ManualClock); ok {
		return ClockManual
	}
	return ClockReal
}

// clockView is what GET /_mock/clock answers.
type clockView struct {
	Mode    string    `json:"mode"`
	Now     time.Time `json:"now"`
	Delay   float64   `json:"processing_delay_seconds"` // so that clients can wait exactly as long
	Pending *int      `json:"pending,omitempty"`        // manual clock only: transitions still to come
	Ran     *int      `json:"ran,omitempty"`            // advance only: transitions just run
}

func (s *Server) viewClock(c *gin.Context) clockView {
	w := s.worldFor(c)
	clk := w.Clock()
	v := clockView{Mode: s.clockMode(), Now: clk.Now(), Delay: w.ProcessingDelay().Seconds()}
	if mc, ok := clk.(*world.ManualClock); ok {
		n := mc.Pending()
		v.Pending = &n
	}
	return v
}

func (s *Server) getClock(c *gin.Context) { writeJSON(c, http.StatusOK, s.viewClock(c)) }

// advanceRequest is the body of POST /_mock/clock/advance.
type advanceRequest struct {
	Seconds *float64 `json:"seconds"`
}

// advanceClock moves the request's manual clock forward, running every
// transition that falls due, in order, before it answers.
func (s *Server) advanceClock(c *gin.Context) {
	mc, ok := s.worldFor(c).Clock().(*world.ManualClock)
	if !ok {
		writeError(c, http.StatusConflict, "The clock is real; start the mock with -clock=manual to advance it", nil)
		return
	}
	var body advanceRequest
	if !decodeStrict(c, &body) {
		return
	}
	if body.Seconds == nil || *body.Seconds < 0 || math.IsNaN(*body.Seconds) || *body.Seconds > maxAdvance.Seconds() {
		fields := []FieldError{{Field: "body.seconds", Reason: fmt.Sprintf("a number of seconds from 0 to %.0f is required", maxAdvance.Seconds())}}
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return
	}
	ran := mc.Advance(time.Duration(*body.Seconds * float64(time.Second)))
	v := s.viewClock(c)
	v.Ran = &ran
	writeJSON(c, http.StatusOK, v)
}

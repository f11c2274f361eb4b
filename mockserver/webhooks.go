package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Webhook delivery defaults. Retries wait Backoff, 2×Backoff, 4×Backoff...
// on the wall clock: the manual clock drives the world, not the network.
const (
	DefaultWebhookAttempts = 5
	DefaultWebhookBackoff  = 200 * time.Millisecond
	webhookTimeout         = 5 * time.Second
	webhookQueue           = 10000 // events a target may have waiting before the oldest are dropped
	maxDeliveries          = 1000  // attempts kept for GET /_mock/webhooks/deliveries
	maxWebhooks            = 100   // registered targets per sandbox
	allSessions            = "*"   // a -webhook target: it gets every sandbox's events
)

// Webhook is a registered delivery target.
type Webhook struct {
	ID      string `json:"id"`
	URL     string `json:"url"`
	Session string `json:"session"` // "" the default world, "*" every world
}

// Delivery is one attempt to deliver one event to one webhook.
type Delivery struct {
	ID         string    `json:"id"`
	WebhookID  string    `json:"webhook_id"`
	URL        string    `json:"url"`
	EventID    string    `json:"event_id"`
	EventType  string    `json:"event_type"`
	Session    string    `json:"session"`
	Attempt    int       `json:"attempt"`
	Time       time.Time `json:"time"`
	DurationMS float64   `json:"duration_ms"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	// Outcome is "delivered", "retrying" (another attempt follows) or
	// "failed" (the last attempt failed, or the server closed).
	Outcome string `json:"outcome"`
}

// webhooks delivers events, one goroutine per target so that each target
// sees its events in order.
type webhooks struct {
	ctx      context.Context
	client   *http.Client
	attempts int
	backoff  time.Duration

	mu         sync.Mutex
	targets    []*hookTarget
	deliveries []Delivery
	seq        int
	wg         sync.WaitGroup
}

type hookTarget struct {
	Webhook
	mu    sync.Mutex
	queue []sessionEvent
	wake  chan struct{}
	stop  chan struct{}
}

func newWebhooks(ctx context.Context, attempts int, backoff time.Duration) *webhooks {
	if attempts <= 0 {
		attempts = DefaultWebhookAttempts
	}
	if backoff <= 0 {
		backoff = DefaultWebhookBackoff
	}
	return &webhooks{ctx: ctx, client: &http.Client{Timeout: webhookTimeout}, attempts: attempts, backoff: backoff}
}

// checkWebhookURL accepts absolute http and https URLs.
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http or https URL", raw)
	}
	return nil
}

// add registers a target for session's events ("*" for every session).
func (h *webhooks) add(rawURL, session string) (Webhook, error) {
	if err := checkWebhookURL(rawURL); err != nil {
		return Webhook{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, t := range h.targets {
		if t.Session == session {
			n++
		}
	}
	if n >= maxWebhooks {
		return Webhook{}, fmt.Errorf("at most %d webhooks per session", maxWebhooks)
	}
	h.seq++
	t := &hookTarget{
		Webhook: Webhook{ID: "whk_" + strconv.Itoa(h.seq), URL: rawURL, Session: session},
		wake:    make(chan struct{}, 1), stop: make(chan struct{}),
	}
	h.targets = append(h.targets, t)
	h.wg.Add(1)
	go h.deliverLoop(t)
	return t.Webhook, nil
}

// list returns the targets a session sees: its own and the global ones.
func (h *webhooks) list(session string) []Webhook {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []Webhook{}
	for _, t := range h.targets {
		if t.Session == session || t.Session == allSessions {
			out = append(out, t.Webhook)
		}
	}
	return out
}

// remove stops and forgets session's targets (all of them if id is "").
// Global targets are never removed. It reports how many it removed.
func (h *webhooks) remove(session, id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	h.targets = slices.DeleteFunc(h.targets, func(t *hookTarget) bool {
		if t.Session != session || (id != "" && t.ID != id) {
			return false
		}
		close(t.stop)
		n++
		return true
	})
	return n
}

func (h *webhooks) dropSession(session string) {
	h.remove(session, "")
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deliveries = slices.DeleteFunc(h.deliveries, func(d Delivery) bool { return d.Session == session })
}

// enqueue hands an event to every target that wants it. It never blocks.
func (h *webhooks) enqueue(se sessionEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range h.targets {
		if t.Session != se.session && t.Session != allSessions {
			continue
		}
		t.mu.Lock()
		if len(t.queue) >= webhookQueue {
			t.queue = t.queue[1:]
		}
		t.queue = append(t.queue, se)
		t.mu.Unlock()
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

// deliveriesFor returns the attempts for session's events, oldest first.
func (h *webhooks) deliveriesFor(session string) []Delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []Delivery{}
	for _, d := range h.deliveries {
		if d.Session == session {
			out = append(out, d)
		}
	}
	return out
}

func (h *webhooks) record(d Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	d.ID = "dlv_" + strconv.Itoa(h.seq)
	if len(h.deliveries) >= maxDeliveries {
		h.deliveries = h.deliveries[1:]
	}
	h.deliveries = append(h.deliveries, d)
}

// wait blocks until every delivery goroutine has ended (after ctx is done).
func (h *webhooks) wait() { h.wg.Wait() }

func (h *webhooks) deliverLoop(t *hookTarget) {
	defer h.wg.Done()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.stop:
			return
		case <-t.wake:
		}
		for {
			t.mu.Lock()
			if len(t.queue) == 0 {
				t.mu.Unlock()
				break
			}
			se := t.queue[0]
			t.queue = t.queue[1:]
			t.mu.Unlock()
			if !h.deliver(t, se) {
				return
			}
		}
	}
}

// deliver POSTs one event with retries and backoff. It reports false if
// the target was removed or the server closed meanwhile.
func (h *webhooks) deliver(t *hookTarget, se sessionEvent) bool {
	body, err := json.Marshal(se.event)
	if err != nil {
		return true
	}
	wait := h.backoff
	for attempt := 1; ; attempt++ {
		d := Delivery{
			WebhookID: t.ID, URL: t.URL, EventID: se.event.ID, EventType: se.event.Type,
			Session: se.session, Attempt: attempt, Time: time.Now().UTC(),
		}
		status, err := h.post(t, se, body, attempt)
		d.DurationMS = float64(time.Since(d.Time).Microseconds()) / 1000
		d.StatusCode = status
		switch {
		case err == nil && status >= 200 && status < 300:
			d.Outcome = "delivered"
			h.record(d)
			return true
		case err != nil:
			d.Error = err.Error()
		default:
			d.Error = fmt.Sprintf("answered %d", status)
		}
		if attempt >= h.attempts {
			d.Outcome = "failed"
			h.record(d)
			return true
		}
		d.Outcome = "retrying"
		h.record(d)
		timer := time.NewTimer(wait)
		select {
		case <-h.ctx.Done():
			timer.Stop()
			return false
		case <-t.stop:
			timer.Stop()
			return false
		case <-timer.C:
		}
		wait *= 2
	}
}

func (h *webhooks) post(t *hookTarget, se sessionEvent, body []byte, attempt int) (int, error) {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sendai-mock-webhooks")
	req.Header.Set("X-Mock-Event", se.event.Type)
	req.Header.Set("X-Mock-Event-Id", se.event.ID)
	req.Header.Set("X-Mock-Attempt", strconv.Itoa(attempt))
	if se.session != "" {
		req.Header.Set(SessionHeader, se.session)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// webhookRequest is the body of POST /_mock/webhooks.
type webhookRequest struct {
	URL string `json:"url"`
}

func (s *Server) addWebhook(c *gin.Context) {
	var body webhookRequest
	if !decodeStrict(c, &body) {
		return
	}
	wh, err := s.hooks.add(body.URL, sessionName(c))
	if err != nil {
		fields := []FieldError{{Field: "body.url", Reason: err.Error()}}
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return
	}
	writeJSON(c, http.StatusCreated, wh)
}

func (s *Server) listWebhooks(c *gin.Context) {
	writeJSON(c, http.StatusOK, s.hooks.list(sessionName(c)))
}

func (s *Server) deleteWebhook(c *gin.Context) {
	if s.hooks.remove(sessionName(c), c.Param("id")) == 0 {
		writeError(c, http.StatusNotFound, fmt.Sprintf("No webhook %q in this session (webhooks given with -webhook cannot be removed)", c.Param("id")), nil)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) deleteWebhooks(c *gin.Context) {
	s.hooks.remove(sessionName(c), "")
	c.Status(http.StatusNoContent)
}

func (s *Server) listDeliveries(c *gin.Context) {
	writeJSON(c, http.StatusOK, s.hooks.deliveriesFor(sessionName(c)))
}

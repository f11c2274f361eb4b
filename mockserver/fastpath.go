package mockserver

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// pathCheck is a shortcut through request validation for the operations
// whose whole request is a few string path parameters (Get, Approve,
// Disapprove, Complete, Discard): it is derived from openapi.yaml at
// start-up, so the spec stays the one source of truth, and it only ever
// says "valid". Any request it is not sure of goes through kin-openapi's
// full validation, which also writes the errors.
type pathCheck struct {
	params []paramCheck
}

type paramCheck struct {
	name           string
	minLen, maxLen int // in runes, as kin-openapi counts; maxLen < 0: none
	pattern        *regexp.Regexp
	// class, when the pattern is ^[...]+$ or ^[...]*$ over ASCII, is that
	// character class as a table: checked byte by byte, not by the regexp.
	class *[256]bool
}

// newPathCheck returns the shortcut for op, or nil when the operation has
// a body or any parameter the shortcut does not understand.
func newPathCheck(item *openapi3.PathItem, op *openapi3.Operation) *pathCheck {
	if op.RequestBody != nil {
		return nil
	}
	pc := &pathCheck{}
	for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInPath || p.Content != nil || (p.Style != "" && p.Style != openapi3.SerializationSimple) || p.Explode != nil {
			return nil
		}
		if p.Schema == nil || p.Schema.Value == nil {
			return nil
		}
		s := p.Schema.Value
		if !s.Type.Is(openapi3.TypeString) || s.Format != "" || s.Enum != nil || s.Nullable ||
			s.AllOf != nil || s.AnyOf != nil || s.OneOf != nil || s.Not != nil {
			return nil
		}
		c := paramCheck{name: p.Name, minLen: int(s.MinLength), maxLen: -1}
		if s.MaxLength != nil {
			c.maxLen = int(*s.MaxLength)
		}
		if s.Pattern != "" {
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				return nil
			}
			c.pattern = re
			c.class = asciiClass(s.Pattern)
		}
		pc.params = append(pc.params, c)
	}
	return pc
}

// valid reports whether every parameter is surely valid. false means "let
// kin-openapi decide", not "invalid".
func (pc *pathCheck) valid(params gin.Params) bool {
	for i := range pc.params {
		c := &pc.params[i]
		v, ok := params.Get(c.name)
		if !ok {
			return false
		}
		n := utf8.RuneCountInString(v)
		if n < c.minLen || (c.maxLen >= 0 && n > c.maxLen) {
			return false
		}
		if c.class != nil {
			for i := 0; i < len(v); i++ {
				if !c.class[v[i]] {
					return false
				}
			}
			// A class pattern with + needs one character; minLen says so
			// or the empty value goes to kin-openapi.
			if v == "" {
				return false
			}
		} else if c.pattern != nil && !c.pattern.MatchString(v) {
			return false
		}
	}
	return true
}

// asciiClass returns the byte table of a pattern that is exactly one
// ASCII character class repeated over the whole value (^[A-Za-z0-9_-]+$,
// the shape of every ID in openapi.yaml), or nil for any other pattern.
func asciiClass(pattern string) *[256]bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) != 3 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[2].Op != syntax.OpEndText ||
		(re.Sub[1].Op != syntax.OpPlus && re.Sub[1].Op != syntax.OpStar) {
		return nil
	}
	cc := re.Sub[1].Sub[0]
	if cc.Op != syntax.OpCharClass {
		return nil
	}
	var t [256]bool
	for i := 0; i+1 < len(cc.Rune); i += 2 {
		lo, hi := cc.Rune[i], cc.Rune[i+1]
		if lo > 0x7f || hi > 0x7f {
			return nil
		}
		for r := lo; r <= hi; r++ {
			t[r] = true
		}
	}
	return &t
}

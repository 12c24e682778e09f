package e2e

import (
	"math"
	"testing"
	"time"

	"qalam/internal/servertest"
)

// mastheadBox measures the masthead's brand link against the content box
// of the masthead's layout container (the .wrap that holds its items:
// padding excluded), in CSS pixels.
type mastheadBox struct {
	Direction  string  `json:"direction"`
	BrandLeft  float64 `json:"brandLeft"`
	BrandRight float64 `json:"brandRight"`
	BoxLeft    float64 `json:"boxLeft"`
	BoxRight   float64 `json:"boxRight"`
}

const measureMasthead = `(() => {
	const brand = document.querySelector('.masthead .brand');
	if (!brand) return null;
	const box = brand.parentElement, cs = getComputedStyle(box), r = box.getBoundingClientRect();
	const b = brand.getBoundingClientRect();
	return {
		direction: getComputedStyle(document.documentElement).direction,
		brandLeft: b.left, brandRight: b.right,
		boxLeft: r.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft),
		boxRight: r.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight),
	};
})()`

// TestRTLMirrored checks that the Persian service is laid out right to
// left: the masthead's first item, the brand, starts at the right edge,
// where the English one starts at the left.
func TestRTLMirrored(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	b := newTab(t, 60*time.Second)
	const slack = 3 // px
	for _, c := range []struct {
		svc, dir string
	}{{"fa", "rtl"}, {"en", "ltr"}} {
		t.Run(c.svc, func(t *testing.T) {
			b.open(t, e.URL+"/"+c.svc+"/", 200)
			m := eval[*mastheadBox](t, b, measureMasthead)
			if m == nil {
				t.Fatal("no .masthead .brand on the home page")
			}
			if m.Direction != c.dir {
				t.Errorf("%s: computed direction of <html> is %q, want %q", c.svc, m.Direction, c.dir)
			}
			if c.dir == "rtl" {
				if math.Abs(m.BrandRight-m.BoxRight) > slack {
					t.Errorf("fa: the brand's right edge is at %.1fpx, the masthead content box's right edge at %.1fpx: the masthead is not mirrored", m.BrandRight, m.BoxRight)
				}
			} else if math.Abs(m.BrandLeft-m.BoxLeft) > slack {
				t.Errorf("en: the brand's left edge is at %.1fpx, the masthead content box's left edge at %.1fpx", m.BrandLeft, m.BoxLeft)
			}
		})
	}
}

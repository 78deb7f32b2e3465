package tools

import "testing"

func TestHTMLText(t *testing.T) {
	cases := map[string]string{
		`<p>Body of post 1 with <b>bold</b> text and a <a target="_blank" href="http://x/">link</a>.</p>`: "Body of post 1 with bold text and a link.",
		`<p>One</p><p>Two &amp; three</p>`:                            "One\nTwo & three",
		`<ul><li>a</li><li>b</li></ul><script>alert(1)</script>after`: "- a\n- b\nafter",
		`x<br>y<style>p{}</style>`:                                    "x\ny",
		`<b>bo</b>ld  spaced   out`:                                   "bold spaced out",
		`plain text`:                                                  "plain text",
	}
	for in, want := range cases {
		if got := htmlText(in); got != want {
			t.Errorf("htmlText(%q) = %q, want %q", in, got, want)
		}
	}
}

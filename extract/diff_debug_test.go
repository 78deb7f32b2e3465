package extract

import (
	"os"
	"testing"
)

func TestDebugDiff(t *testing.T) {
	name := os.Getenv("DOC")
	if name == "" {
		t.Skip()
	}
	x := New(Config{})
	doc, err := extractFile(t, x, corpusDir+"/"+name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(corpusDir + "/" + name + ".expected.txt")
	g, w := words(comparableText(doc)), words(string(want))
	for k, n := range g {
		if n > w[k] {
			t.Logf("extra %q x%d", k, n-w[k])
		}
	}
	for k, n := range w {
		if n > g[k] {
			t.Logf("missing %q x%d", k, n-g[k])
		}
	}
	t.Log(doc.Text())
}

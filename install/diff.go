package install

import (
	"fmt"
	"strings"
)

// Diff renders the plan as a unified-style line diff, which is what
// --dry-run prints. Edits are local, so the common head and tail are
// trimmed before the quadratic part runs on the few lines in between.
func (p *Plan) Diff() string {
	if p.Result == Unchanged {
		return ""
	}
	a := splitLines(string(p.Old))
	b := splitLines(string(p.New))
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s (after)\n", p.Path, p.Path)
	for _, h := range hunks(a, b, 2) {
		out.WriteString(h)
	}
	return out.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

type diffOp struct {
	kind byte // ' ', '-', '+'
	text string
	aIdx int // line number in a (0-based) for ' ' and '-'
	bIdx int // line number in b for ' ' and '+'
}

func diffLines(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	// Longest common subsequence on the middle part.
	lcs := make([][]int, len(ma)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(mb)+1)
	}
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	for i := 0; i < pre; i++ {
		ops = append(ops, diffOp{' ', a[i], i, i})
	}
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		switch {
		case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
			ops = append(ops, diffOp{' ', ma[i], pre + i, pre + j})
			i++
			j++
		case i < len(ma) && (j == len(mb) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', ma[i], pre + i, -1})
			i++
		default:
			ops = append(ops, diffOp{'+', mb[j], -1, pre + j})
			j++
		}
	}
	for k := 0; k < suf; k++ {
		ai, bi := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, diffOp{' ', a[ai], ai, bi})
	}
	return ops
}

// hunks groups changes with ctx lines of context around them.
func hunks(a, b []string, ctx int) []string {
	ops := diffLines(a, b)
	var out []string
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(k-ctx, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// Look ahead: another change within 2*ctx lines joins this hunk.
			n := end
			for n < len(ops) && ops[n].kind == ' ' && n-end < 2*ctx {
				n++
			}
			if n < len(ops) && ops[n].kind != ' ' {
				end = n
				continue
			}
			end = min(end+ctx, len(ops))
			break
		}
		var h strings.Builder
		aStart, bStart, aLen, bLen := -1, -1, 0, 0
		for _, op := range ops[start:end] {
			if op.aIdx >= 0 {
				if aStart < 0 {
					aStart = op.aIdx
				}
				aLen++
			}
			if op.bIdx >= 0 {
				if bStart < 0 {
					bStart = op.bIdx
				}
				bLen++
			}
		}
		fmt.Fprintf(&h, "@@ -%d,%d +%d,%d @@\n", aStart+1, aLen, bStart+1, bLen)
		for _, op := range ops[start:end] {
			h.WriteByte(op.kind)
			h.WriteString(op.text)
			h.WriteByte('\n')
		}
		out = append(out, h.String())
		k = end
	}
	return out
}

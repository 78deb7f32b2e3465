package cmd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/index"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// forgetIndex deals with the content index of an account that logs out: it
// holds plain-text copies of the account's content. With deleteIt (logout
// --all, --delete-index) it is deleted; on a terminal the user is asked;
// otherwise it is kept and its place is named.
func (a *App) forgetIndex(acct store.Account, deleteIt bool) {
	base, err := index.DefaultCacheBase()
	if err != nil {
		return
	}
	dir := index.AccountDir(base, acct.ServerURL, acct.Login)
	if _, err := os.Stat(dir); err != nil {
		return
	}
	if !deleteIt && stdinIsTerminal(a.In) {
		fmt.Fprintf(a.Out, "Also delete the local search index of %s (%s), which holds plain-text copies of its content? [y/N] ", acct.Login, dir)
		line, _ := bufio.NewReader(io.LimitReader(a.In, 256)).ReadString('\n')
		deleteIt = strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes")
	}
	if !deleteIt {
		fmt.Fprintf(a.Out, "The local search index of %s is kept in %s; `logout --delete-index` or deleting that folder removes it.\n", acct.Login, dir)
		return
	}
	if err := index.Delete(dir); err != nil {
		fmt.Fprintf(a.Err, "Warning: %v\n", err)
		return
	}
	fmt.Fprintf(a.Out, "Deleted the local search index of %s.\n", acct.Login)
}

// forgetAllIndexes deletes every account's index (logout --all).
func (a *App) forgetAllIndexes() {
	base, err := index.DefaultCacheBase()
	if err != nil {
		return
	}
	root := filepath.Dir(index.AccountDir(base, "x", "x"))
	if _, err := os.Stat(root); err != nil {
		return
	}
	if err := index.Delete(root); err != nil {
		fmt.Fprintf(a.Err, "Warning: %v\n", err)
		return
	}
	fmt.Fprintln(a.Out, "Deleted every local search index.")
}

func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

package localfs

import (
	"errors"
	"fmt"
	"strings"
)

// The checks below follow Windows path rules. They are plain string
// functions, used only on Windows (platform_windows.go) but tested on every
// OS, so the rules are checked in CI wherever it runs.

// windowsPathProblem reports what makes p unsafe as a Windows local path:
// UNC shares and device namespaces (\\server\share, \\?\, \\.\), paths
// relative to a drive's current folder (C:foo), alternate data streams
// (a.txt:secret), reserved device names (NUL, COM1) and names Windows
// silently trims (trailing dots and spaces), each of which can name a file
// other than the one the check saw.
func windowsPathProblem(p string) error {
	s := strings.ReplaceAll(p, "/", `\`)
	switch {
	case strings.HasPrefix(s, `\\?\`), strings.HasPrefix(s, `\\.\`), strings.HasPrefix(s, `\??\`):
		return errors.New("device and long-path prefixes (\\\\?\\, \\\\.\\) are not allowed: give a plain path like C:\\Users\\me\\Downloads\\file.pdf")
	case strings.HasPrefix(s, `\\`):
		return errors.New("network shares (\\\\server\\share) are not allowed: copy the file to an allowed local folder first")
	}
	rest := s
	if len(s) >= 2 && s[1] == ':' && isLetter(s[0]) {
		if len(s) == 2 || s[2] != '\\' {
			return errors.New("a drive letter without a backslash (C:file) means the drive's current folder: give a full path like C:\\folder\\file")
		}
		rest = s[3:]
	} else if strings.HasPrefix(s, `\`) {
		rest = s[1:]
	}
	for _, seg := range strings.Split(rest, `\`) {
		if seg == "" || seg == "." || seg == ".." {
			continue
		}
		if err := windowsNameProblem(seg); err != nil {
			return err
		}
	}
	return nil
}

// windowsReserved are the device names Windows resolves in every folder,
// with or without an extension.
var windowsReserved = []string{"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
	"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
	"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³"}

// windowsNameProblem checks one path element.
func windowsNameProblem(seg string) error {
	if strings.ContainsAny(seg, `:*?"<>|`) {
		if strings.Contains(seg, ":") {
			return fmt.Errorf("%q names an alternate data stream (':'), which is not allowed", seg)
		}
		return fmt.Errorf("%q contains a character Windows does not allow in names (* ? \" < > |)", seg)
	}
	for _, c := range seg {
		if c < 32 {
			return fmt.Errorf("%q contains a control character", seg)
		}
	}
	if strings.HasSuffix(seg, ".") || strings.HasSuffix(seg, " ") {
		return fmt.Errorf("%q ends in a dot or space, which Windows drops, so it would name another file", seg)
	}
	stem := strings.TrimRight(seg, " ")
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.TrimRight(stem, " ")
	for _, r := range windowsReserved {
		if strings.EqualFold(stem, r) {
			return fmt.Errorf("%q is a Windows device name, not a file", seg)
		}
	}
	return nil
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

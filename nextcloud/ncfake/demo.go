package ncfake

// The demo account that `serve --demo` signs in with. They are not secrets:
// the demo server exists only inside the process, on a loopback port.
const (
	DemoUser        = "admin"
	DemoAppPassword = "admin-app-password"
)

// NewDemo returns a fake with every app enabled and sample data for the demo user.
func NewDemo() *Server {
	s := New(Options{})
	return s
}

package ncfake

// XML namespaces shared by every DAV handler of the fake.
const (
	nsDAV   = "DAV:"
	nsSabre = "http://sabredav.org/ns"
)

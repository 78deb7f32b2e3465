package nextcloud

// String keeps the credential and the session out of %v and %+v: fmt prints
// unexported struct fields without calling their own String methods, so a
// Client printed whole would show the app password.
func (c *Client) String() string {
	return "nextcloud.Client{" + c.base.Redacted() + " as " + c.Login() + "}"
}

// GoString keeps them out of %#v.
func (c *Client) GoString() string { return c.String() }

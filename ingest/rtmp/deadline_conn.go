package rtmp

import (
	"net"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/message"
)

// deadlineConn gives each message a publisher sends timeout to arrive, and
// the acknowledgements that reading may write as long to leave. gortmplib's
// Reader reads through it, from the track probe on.
type deadlineConn struct {
	*gortmplib.ServerConn
	nc      net.Conn
	timeout time.Duration
}

func (c deadlineConn) Read() (message.Message, error) {
	if err := c.nc.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return nil, err
	}
	return c.ServerConn.Read()
}

package srt

import (
	"time"

	gosrt "github.com/datarhei/gosrt"

	"github.com/llcast/llcast/ingest"
)

// receiverStats reads a publisher connection's counters. Lost counts the
// packets SRT found missing (whether a retransmission saved them or not)
// and those that came too late to be played.
func receiverStats(c gosrt.Conn) ingest.LinkStats {
	var s gosrt.Statistics
	c.Stats(&s)
	return ingest.LinkStats{
		Bytes: s.Accumulated.ByteRecv,
		RTT:   rtt(s),
		Lost:  s.Accumulated.PktRecvLoss + s.Accumulated.PktRecvBelated,
	}
}

// senderStats reads a sending connection's counters. Lost counts the
// packets the receiver reported missing and those the sender dropped
// because they could no longer arrive in time.
func senderStats(c gosrt.Conn) ingest.LinkStats {
	var s gosrt.Statistics
	c.Stats(&s)
	return ingest.LinkStats{
		Bytes: s.Accumulated.ByteSent,
		RTT:   rtt(s),
		Lost:  s.Accumulated.PktSendLoss + s.Accumulated.PktSendDrop,
	}
}

func rtt(s gosrt.Statistics) time.Duration {
	return time.Duration(s.Instantaneous.MsRTT * float64(time.Millisecond))
}

package ingest

// InputKind says what feeds the video or the audio of a stream.
type InputKind string

// Input kinds.
const (
	// InputTest is the built-in test picture or tone.
	InputTest InputKind = "test"
	// InputDevice is a camera or microphone, chosen by name.
	InputDevice InputKind = "device"
	// InputNone leaves the kind out: a slate instead of video, silence
	// instead of audio.
	InputNone InputKind = "none"
)

// Choice names one input: its kind and, for a device, part of its name
// (empty takes the first device of that kind).
type Choice struct {
	Kind InputKind `json:"kind"`
	Name string    `json:"name,omitempty"`
}

// Selection is what a stream's picture and sound come from.
type Selection struct {
	Video Choice `json:"video"`
	Audio Choice `json:"audio"`
}

// InputState tells whether an input delivers.
type InputState string

// Input states.
const (
	// StateOK: the input delivers.
	StateOK InputState = "ok"
	// StateStarting: a device is being opened and has not delivered yet.
	StateStarting InputState = "starting"
	// StateLost: a device stopped delivering; a slate or silence stands in
	// while it is retried.
	StateLost InputState = "lost"
	// StateOff: nothing is selected for this kind.
	StateOff InputState = "off"
)

// InputStatus describes one input as it is now.
type InputStatus struct {
	Kind InputKind `json:"kind"`
	// Name is the device's friendly name, or "test pattern"/"test tone".
	Name  string     `json:"name,omitempty"`
	State InputState `json:"state"`
	// Error is the last device error while State is StateLost.
	Error string `json:"error,omitempty"`
}

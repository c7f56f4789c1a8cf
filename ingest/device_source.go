package ingest

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// DeviceSource captures a camera and/or a microphone, chosen by friendly
// name, and encodes them like the test source.
type DeviceSource struct {
	// Camera and Mic select devices by part of their name; empty takes the
	// first. At least one of them must be found.
	Camera, Mic string
	// NoCamera and NoMic leave a kind out.
	NoCamera, NoMic bool
	Encoding
	// Devices to choose from. It defaults to ListDevices().
	Devices []Device

	camera, mic  *Device
	videoReader  video.Reader
	audioReader  audio.Reader
	video, audio *Track
	videoEnc     *H264Encoder
	audioEnc     audioEncoder
	closeOnce    sync.Once
}

// Start finds and opens the devices and the encoders.
func (s *DeviceSource) Start() error {
	s.setDefaults()
	if s.Devices == nil {
		s.Devices = ListDevices()
	}
	s.Logger = s.Logger.With("component", "ingest")

	var errs []error
	if !s.NoCamera {
		if d, err := FindDevice(s.Devices, KindCamera, s.Camera); err == nil {
			s.camera = &d
		} else if s.Camera != "" {
			return err
		} else {
			errs = append(errs, err)
		}
	}
	if !s.NoMic {
		if d, err := FindDevice(s.Devices, KindMicrophone, s.Mic); err == nil {
			s.mic = &d
		} else if s.Mic != "" {
			return err
		} else {
			errs = append(errs, err)
		}
	}
	if s.camera == nil && s.mic == nil {
		return fmt.Errorf("no camera and no microphone to stream from: %w", errors.Join(errs...))
	}
	if s.camera != nil {
		if err := s.openCamera(); err != nil {
			s.Close()
			return err
		}
	}
	if s.mic != nil {
		if err := s.openMic(); err != nil {
			s.Close()
			return err
		}
	}
	return nil
}

func (s *DeviceSource) openCamera() error {
	d := s.camera.drv
	if err := d.Open(); err != nil {
		return fmt.Errorf("opening camera %q: %w", s.camera.Name, err)
	}
	mode, ok := bestMode(d.Properties(), s.Width, s.Height, s.FPS)
	if !ok {
		return fmt.Errorf("camera %q offers no video mode", s.camera.Name)
	}
	r, err := d.(driver.VideoRecorder).VideoRecord(mode)
	if err != nil {
		return fmt.Errorf("starting camera %q at %dx%d: %w", s.camera.Name, mode.Width, mode.Height, err)
	}
	s.videoReader = r
	s.videoEnc, s.video, err = s.newVideoEncoder(mode.Width, mode.Height)
	if err != nil {
		return fmt.Errorf("video encoder: %w", err)
	}
	s.Logger.Info("camera open", "name", s.camera.Name, "mode", fmt.Sprintf("%dx%d %s", mode.Width, mode.Height, mode.FrameFormat))
	return nil
}

// bestMode picks the camera mode closest to the wanted size, preferring
// the wanted frame rate.
func bestMode(modes []prop.Media, w, h, fps int) (prop.Media, bool) {
	best, bestScore := prop.Media{}, math.Inf(1)
	for _, m := range modes {
		score := math.Abs(float64(m.Width*m.Height-w*h)) + math.Abs(float64(m.FrameRate)-float64(fps))*1000
		if m.FrameRate == 0 {
			score += 500
		}
		if score < bestScore {
			best, bestScore = m, score
		}
	}
	return best, !math.IsInf(bestScore, 1)
}

func (s *DeviceSource) openMic() error {
	d := s.mic.drv
	if err := d.Open(); err != nil {
		return fmt.Errorf("opening microphone %q: %w", s.mic.Name, err)
	}
	// miniaudio converts to what we ask for: 48 kHz stereo 16-bit.
	r, err := d.(driver.AudioRecorder).AudioRecord(prop.Media{Audio: prop.Audio{
		ChannelCount: 2, SampleRate: 48000, SampleSize: 2, IsInterleaved: true, Latency: 20 * time.Millisecond,
	}})
	if err != nil {
		return fmt.Errorf("starting microphone %q: %w", s.mic.Name, err)
	}
	s.audioReader = r
	enc, track, err := newAudioEncoder(s.AudioCodec, s.AudioBitrate)
	if err != nil {
		return err
	}
	s.audioEnc, s.audio = enc, track
	s.Logger.Info("microphone open", "name", s.mic.Name)
	return nil
}

// Tracks returns the tracks of the devices that were found.
func (s *DeviceSource) Tracks() []*Track {
	var out []*Track
	for _, t := range []*Track{s.video, s.audio} {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// Run captures until ctx ends (then it returns nil) or a device fails.
func (s *DeviceSource) Run(parent context.Context, emit Emit) error {
	start := time.Now()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	if s.video != nil {
		wg.Go(func() {
			errs[0] = runVideo(ctx, s.video, s.videoEnc, newVideoClock(start, s.FPS), s.captureVideo, emit)
			cancel()
		})
	}
	if s.audio != nil {
		wg.Go(func() {
			errs[1] = runAudio(ctx, s.audio, s.audioEnc, start, s.captureAudio(), emit)
			cancel()
		})
	}
	// Device reads do not watch ctx: closing the drivers unblocks them.
	<-ctx.Done()
	s.closeDevices()
	wg.Wait()
	if parent.Err() != nil {
		return nil
	}
	return errors.Join(errs...)
}

func (s *DeviceSource) captureVideo(ctx context.Context) (image.Image, time.Time, error) {
	img, release, err := s.videoReader.Read()
	if err != nil {
		if ctx.Err() != nil {
			return nil, time.Time{}, ctx.Err()
		}
		return nil, time.Time{}, fmt.Errorf("camera %q: %w", s.camera.Name, err)
	}
	defer release()
	return img, time.Now(), nil
}

// captureAudio re-chunks the microphone's 20 ms periods into encoder frames.
func (s *DeviceSource) captureAudio() audioCapture {
	var pending []int16
	var pendingStart time.Time
	const rate = 48000
	return func(ctx context.Context, buf []int16) (time.Time, error) {
		for len(pending) < len(buf) {
			chunk, release, err := s.audioReader.Read()
			if err != nil {
				if ctx.Err() != nil {
					return time.Time{}, ctx.Err()
				}
				return time.Time{}, fmt.Errorf("microphone %q: %w", s.mic.Name, err)
			}
			pcm, ok := chunk.(*wave.Int16Interleaved)
			if !ok || pcm.Size.Channels != 2 {
				release()
				return time.Time{}, fmt.Errorf("microphone %q delivers %T with %d channels, want 16-bit stereo",
					s.mic.Name, chunk, chunk.ChunkInfo().Channels)
			}
			if len(pending) == 0 {
				// The chunk arrives when its last sample was recorded.
				pendingStart = time.Now().Add(-time.Duration(pcm.Size.Len) * time.Second / rate)
			}
			pending = append(pending, pcm.Data...)
			release()
		}
		copy(buf, pending)
		pending = append(pending[:0], pending[len(buf):]...)
		t := pendingStart
		pendingStart = pendingStart.Add(time.Duration(len(buf)/2) * time.Second / rate)
		return t, nil
	}
}

// closeDevices releases the drivers once; it is called from Run, to unblock
// reads, and from Close.
func (s *DeviceSource) closeDevices() {
	s.closeOnce.Do(func() {
		if s.camera != nil {
			_ = s.camera.drv.Close()
		}
		if s.mic != nil {
			_ = s.mic.drv.Close()
		}
	})
}

// Close releases devices and encoders.
func (s *DeviceSource) Close() {
	s.closeDevices()
	if s.videoEnc != nil {
		s.videoEnc.Close()
	}
	if s.audioEnc != nil {
		s.audioEnc.Close()
	}
}

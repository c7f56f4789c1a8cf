package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi"
	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

const serveUsage = `Usage: llcast serve [flags]

Streams the camera and microphone (or the test source when there is no
camera) and serves the watch page. Settings come from the built-in
defaults, then --config, then LLCAST_* variables, then these flags.

Flags:
`

// source is what serve needs of TestSource and DeviceSource.
type source interface {
	Start() error
	Tracks() []*ingest.Track
	Run(ctx context.Context, emit ingest.Emit) error
	Close()
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := loadServeConfig(args, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Level)
	dataDir, err := cfg.DataDir()
	if err != nil {
		return err
	}
	users := &httpapi.UserStore{Path: filepath.Join(dataDir, httpapi.UsersFile)}
	if err := ensureAdmin(users, stdout); err != nil {
		return err
	}
	key, err := httpapi.LoadOrCreateKey(dataDir)
	if err != nil {
		return err
	}
	auth := &httpapi.TokenAuth{Key: key, TTL: cfg.Auth.TokenTTL.D()}
	if err := auth.Start(); err != nil {
		return err
	}

	src, what, err := openSource(cfg, log)
	if err != nil {
		return err
	}
	defer src.Close()

	stream := &segmenter.Stream{
		Name:            cfg.Stream,
		Tracks:          src.Tracks(),
		PartDuration:    cfg.HLS.PartDuration.D(),
		SegmentDuration: cfg.HLS.SegmentDuration.D(),
		SegmentCount:    cfg.HLS.SegmentCount,
		Logger:          log,
	}
	if err := stream.Start(); err != nil {
		return err
	}
	defer stream.Close()
	var registry segmenter.Registry
	if err := registry.Add(stream); err != nil {
		return err
	}

	srv := &httpapi.Server{
		Listen: cfg.Listen, Users: users, Auth: auth, Streams: &registry,
		DefaultStream: cfg.Stream, Logger: log,
	}
	if err := srv.Start(); err != nil {
		return err
	}
	printWelcome(stdout, what, cfg.Stream, srv.Addr().String())

	srcErr := make(chan error, 1)
	go func() { srcErr <- src.Run(ctx, feed(stream, log)) }()
	select {
	case <-ctx.Done():
		log.Info("stopping")
		err = nil
	case err = <-srcErr:
		err = fmt.Errorf("source stopped: %w", err)
	}
	// Closing the stream first releases the requests waiting for parts, so
	// the HTTP shutdown does not have to wait for them.
	stream.Close()
	srvErr := srv.Close()
	if ctx.Err() != nil {
		<-srcErr
	}
	return errors.Join(err, srvErr)
}

// feed writes samples to the stream and reports drops now and then.
func feed(stream *segmenter.Stream, log *slog.Logger) ingest.Emit {
	return func(s ingest.Sample) {
		if err := stream.Write(s); err != nil {
			if n := stream.Stats().Dropped; n == 1 || n%100 == 0 {
				log.Warn("dropping samples: the muxer cannot keep up", "dropped", n, "error", err)
			}
		}
	}
}

func openSource(cfg configs.Config, log *slog.Logger) (source, string, error) {
	codec, err := ingest.AudioCodec(cfg.Audio.Codec)
	if err != nil {
		return nil, "", err
	}
	kind := cfg.Source
	var devices []ingest.Device
	if kind != "test" {
		devices = ingest.ListDevices()
	}
	if kind == "auto" {
		kind = "test"
		if _, err := ingest.FindDevice(devices, ingest.KindCamera, cfg.Camera); err == nil {
			kind = "device"
		} else {
			log.Info("no camera found, using the test source", "reason", err)
		}
	}
	enc := ingest.Encoding{
		Width: cfg.Video.Width, Height: cfg.Video.Height, FPS: cfg.Video.FPS,
		VideoBitrate: cfg.Video.Bitrate, AudioCodec: codec, AudioBitrate: cfg.Audio.Bitrate,
		// An IDR exactly where each segment may end, so segments keep
		// their planned length and every one can start playback.
		KeyframeInterval: max(1, int(cfg.HLS.SegmentDuration.D().Seconds()*float64(cfg.Video.FPS)+0.5)),
		Logger:           log,
	}
	var src source = &ingest.TestSource{Encoding: enc}
	what := "the test source"
	if kind == "device" {
		src = &ingest.DeviceSource{Encoding: enc, Camera: cfg.Camera, Mic: cfg.Mic, Devices: devices}
		what = "your camera and microphone"
	}
	if err := src.Start(); err != nil {
		if errors.Is(err, ingest.ErrNoDevice) {
			err = fmt.Errorf("%w (`llcast devices` lists them; --source test streams the test picture)", err)
		}
		return nil, "", err
	}
	return src, what, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated with the config
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// tlogclient follows a truce log the way any standard transparency-log client would, using only
// Go's reference code (golang.org/x/mod/sumdb/note and tlog) and the standard library: it reads
// the checkpoint and hash tiles over HTTP with no credentials (C2SP tlog-tiles), verifies the
// log's signature (C2SP signed-note) and a witness's cosignature (C2SP tlog-cosignature,
// cosignature/v1, written here from the spec: x/mod does not verify that type), then checks the
// inclusion of one leaf in the checkpoint's tree by fetching the tiles the proof needs.
//
// Usage: tlogclient -url http://127.0.0.1:8000 -vkey LOG_VKEY -witness WITNESS_VKEY
//
//	-index N -leaf FILE
//
// Prints "ok: ..." and exits 0, or prints the reason and exits 1. Built by
// tests/integration/api/test_go_client.py with Debian's golang-go and golang-golang-x-mod-dev
// (GOPATH mode, offline).
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base string

func get(path string) ([]byte, error) {
	res, err := http.Get(base + "/ledger/" + path)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, res.Status)
	}
	return body, nil
}

// tileReader reads C2SP tlog-tiles: tlog's paths carry the tile height ("tile/8/L/N"), the C2SP
// layout does not ("tile/L/N"), the height being fixed at 8.
type tileReader struct{}

func (tileReader) Height() int { return 8 }

func (tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		path := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
		data, err := get(path)
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// checkCosignature verifies the cosignature/v1 line of the witness with verifier key vkey.
func checkCosignature(n *note.Note, msg []byte, vkey string) (uint64, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return 0, errors.New("malformed witness vkey")
	}
	name := parts[0]
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 33 || key[0] != 0x04 {
		return 0, errors.New("the witness vkey is not a cosignature/v1 key")
	}
	h := sha256.Sum256(append([]byte(name+"\n"), key...))
	prefix := "\u2014 " + name + " "
	for _, line := range strings.Split(string(msg), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(line[len(prefix):])
		if err != nil || len(raw) != 4+8+64 || !bytes.Equal(raw[:4], h[:4]) {
			continue
		}
		ts := binary.BigEndian.Uint64(raw[4:12])
		signed := "cosignature/v1\ntime " + strconv.FormatUint(ts, 10) + "\n" + n.Text
		if !ed25519.Verify(ed25519.PublicKey(key[1:]), []byte(signed), raw[12:]) {
			return 0, errors.New("the witness's cosignature does not verify")
		}
		return ts, nil
	}
	return 0, fmt.Errorf("no cosignature by %s", name)
}

func run() error {
	url := flag.String("url", "", "the truce server")
	vkey := flag.String("vkey", "", "the log's verifier key")
	witness := flag.String("witness", "", "a witness's cosignature/v1 verifier key (required)")
	index := flag.Int64("index", 0, "the leaf index to prove")
	leafFile := flag.String("leaf", "", "the leaf's bytes (entry and signature)")
	flag.Parse()
	base = strings.TrimRight(*url, "/")
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("log vkey: %v", err)
	}
	msg, err := get("checkpoint")
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		return errors.New("the checkpoint's origin is not the log key's name")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return fmt.Errorf("checkpoint size: %v", err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		return errors.New("checkpoint root is not a base64 hash")
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	ts, err := checkCosignature(n, msg, *witness)
	if err != nil {
		return err
	}
	leaf, err := os.ReadFile(*leafFile)
	if err != nil {
		return err
	}
	reader := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tileReader{})
	proof, err := tlog.ProveRecord(size, *index, reader)
	if err != nil {
		return fmt.Errorf("inclusion proof from the tiles: %v", err)
	}
	if err := tlog.CheckRecord(proof, size, root, *index, tlog.RecordHash(leaf)); err != nil {
		return fmt.Errorf("inclusion: %v", err)
	}
	fmt.Printf("ok: leaf %d is in %s at size %d, cosigned at %d\n", *index, lines[0], size, ts)
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}

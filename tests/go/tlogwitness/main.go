// tlogwitness is a minimal C2SP tlog-witness written independently of truce, from the specs
// (c2sp.org/tlog-witness, c2sp.org/tlog-cosignature) and Go's reference code only
// (golang.org/x/mod/sumdb/note verifies the log's signature, golang.org/x/mod/sumdb/tlog checks
// the consistency proof). It stands in for a third-party witness such as litewitness, which
// cannot be built offline on this machine (see tests/integration/test_go_witness.py).
//
// Usage: tlogwitness -name NAME -log LOG_VKEY [-origin ORIGIN] [-addr 127.0.0.1:0]
//
// It makes a fresh Ed25519 key, prints "vkey <its cosignature/v1 verifier key>" and
// "listening http://ADDR/" on stdout, then answers POST /add-checkpoint until killed. Its
// state (the latest cosigned size and root) is kept in memory.
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const sizeType = "text/x.tlog.size"

// cosigner signs cosignature/v1 (type 0x04): the signature is an 8-byte big-endian timestamp
// followed by Ed25519 over "cosignature/v1\ntime T\n" + the checkpoint text.
type cosigner struct {
	name string
	hash uint32
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newCosigner(name string) (*cosigner, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(append(append([]byte(name+"\n"), 0x04), pub...))
	return &cosigner{name, binary.BigEndian.Uint32(h[:4]), priv, pub}, nil
}

func (c *cosigner) vkey() string {
	return fmt.Sprintf("%s+%08x+%s", c.name, c.hash,
		base64.StdEncoding.EncodeToString(append([]byte{0x04}, c.pub...)))
}

func (c *cosigner) line(text string, now uint64) string {
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", now, text)
	sig := make([]byte, 4+8, 4+8+ed25519.SignatureSize)
	binary.BigEndian.PutUint32(sig, c.hash)
	binary.BigEndian.PutUint64(sig[4:], now)
	sig = append(sig, ed25519.Sign(c.priv, []byte(msg))...)
	return "\u2014 " + c.name + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
}

type witness struct {
	mu     sync.Mutex
	origin string
	log    note.Verifier
	signer *cosigner
	size   int64
	root   tlog.Hash
}

type answer struct {
	status int
	body   string
	ctype  string
}

func refuse(status int, format string, args ...interface{}) answer {
	return answer{status, fmt.Sprintf(format, args...) + "\n", "text/plain; charset=utf-8"}
}

// parse splits a request: "old N", proof lines, an empty line, the signed checkpoint.
func parse(body []byte) (int64, []tlog.Hash, []byte, error) {
	i := bytes.Index(body, []byte("\n\n"))
	if i < 0 {
		return 0, nil, nil, errors.New("no empty line before the checkpoint")
	}
	lines := strings.Split(string(body[:i]), "\n")
	num := strings.TrimPrefix(lines[0], "old ")
	old, err := strconv.ParseInt(num, 10, 64)
	if num == lines[0] || err != nil || old < 0 || (len(num) > 1 && num[0] == '0') {
		return 0, nil, nil, errors.New("the first line must be 'old <size>'")
	}
	if len(lines)-1 > 63 {
		return 0, nil, nil, errors.New("more than 63 proof lines")
	}
	var proof []tlog.Hash
	for _, l := range lines[1:] {
		raw, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(raw) != tlog.HashSize {
			return 0, nil, nil, fmt.Errorf("bad proof line %q", l)
		}
		var h tlog.Hash
		copy(h[:], raw)
		proof = append(proof, h)
	}
	return old, proof, body[i+2:], nil
}

// checkpoint parses a c2sp.org/tlog-checkpoint body: origin, size, base64 root, extensions.
func checkpoint(text string) (string, int64, tlog.Hash, error) {
	var root tlog.Hash
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return "", 0, root, errors.New("a checkpoint has at least three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return "", 0, root, errors.New("bad size line")
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return "", 0, root, errors.New("bad root hash line")
	}
	copy(root[:], raw)
	return lines[0], size, root, nil
}

func (w *witness) addCheckpoint(body []byte) answer {
	old, proof, signed, err := parse(body)
	if err != nil {
		return refuse(400, "bad request: %v", err)
	}
	// The origin comes first: an unknown log is 404 even before its signature is checked.
	origin := strings.SplitN(string(signed), "\n", 2)[0]
	if origin != w.origin {
		return refuse(404, "unknown log %q", origin)
	}
	n, err := note.Open(signed, note.VerifierList(w.log))
	if err != nil {
		return refuse(403, "no signature verifies under the log's key: %v", err)
	}
	_, size, root, err := checkpoint(n.Text)
	if err != nil {
		return refuse(400, "bad checkpoint: %v", err)
	}
	if old > size {
		return refuse(400, "old size %d is above the checkpoint's %d", old, size)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if old != w.size {
		return answer{409, fmt.Sprintf("%d\n", w.size), sizeType}
	}
	switch {
	case old == 0:
		if len(proof) != 0 {
			return refuse(422, "a proof from size 0 must be empty")
		}
	case old == size:
		if root != w.root {
			return answer{409, fmt.Sprintf("%d\n", w.size), sizeType}
		}
	default:
		if err := tlog.CheckTree(proof, size, root, old, w.root); err != nil {
			return refuse(422, "the consistency proof does not verify: %v", err)
		}
	}
	w.size, w.root = size, root
	return answer{200, w.signer.line(n.Text, uint64(time.Now().Unix())), "text/plain; charset=utf-8"}
}

func main() {
	name := flag.String("name", "", "this witness's key name")
	logKey := flag.String("log", "", "the log's verifier key (signed-note vkey)")
	origin := flag.String("origin", "", "the log's origin (default: the key's name)")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	verifier, err := note.NewVerifier(*logKey)
	if err != nil || *name == "" {
		fmt.Fprintln(os.Stderr, "usage: tlogwitness -name NAME -log LOG_VKEY [-origin O]:", err)
		os.Exit(2)
	}
	if *origin == "" {
		*origin = verifier.Name()
	}
	signer, err := newCosigner(*name)
	if err != nil {
		log.Fatal(err)
	}
	w := &witness{origin: *origin, log: verifier, signer: signer}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "vkey %s\nlistening http://%s/\n", signer.vkey(), ln.Addr())
	out.Flush()
	http.HandleFunc("/add-checkpoint", func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(rw, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16+1))
		if err != nil || len(body) > 1<<16 {
			http.Error(rw, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		a := w.addCheckpoint(body)
		rw.Header().Set("Content-Type", a.ctype)
		rw.WriteHeader(a.status)
		io.WriteString(rw, a.body)
	})
	log.Fatal(http.Serve(ln, nil))
}

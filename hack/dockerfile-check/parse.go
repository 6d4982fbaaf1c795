/*
Copyright 2026 The OpenSearch DataSource Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int    // where it starts, for messages
	cmd  string // upper case: FROM, COPY, RUN, ...
	args string // the rest of the line, as written
}

// parseDockerfile splits a Dockerfile into instructions: comments and
// blank lines dropped, lines ending in a backslash joined to the next, as
// the Dockerfile frontend does with its default escape character.
func parseDockerfile(r io.Reader) ([]instruction, error) {
	var out []instruction
	var cur *instruction
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") || (text == "" && cur == nil) {
			continue
		}
		cont := strings.HasSuffix(text, `\`)
		text = strings.TrimSuffix(text, `\`)
		if cur == nil {
			cmd, args, _ := strings.Cut(text, " ")
			cur = &instruction{line: n, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		} else if text != "" {
			cur.args += " " + strings.TrimSpace(text)
		}
		if !cont {
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: the last instruction ends in a backslash", cur.line)
	}
	return out, sc.Err()
}

// stage returns the instructions of the build stage called name (FROM …
// AS name), FROM included.
func stage(all []instruction, name string) ([]instruction, error) {
	var out []instruction
	for _, in := range all {
		if in.cmd == "FROM" {
			if out != nil {
				break
			}
			f := strings.Fields(in.args)
			if len(f) == 3 && strings.EqualFold(f[1], "AS") && f[2] == name {
				out = []instruction{in}
			}
			continue
		}
		if out != nil {
			out = append(out, in)
		}
	}
	if out == nil {
		return nil, fmt.Errorf("no stage %q (FROM <image> AS %s)", name, name)
	}
	return out, nil
}

// copyArgs is a COPY instruction's sources and destination. Flags such as
// --chown are accepted and ignored; --from (a copy from another stage or
// image, not from the build context) is refused, since the check could not
// reproduce it.
func copyArgs(in instruction) (srcs []string, dest string, err error) {
	f := strings.Fields(in.args)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") {
		if strings.HasPrefix(f[0], "--from") {
			return nil, "", fmt.Errorf("line %d: COPY --from is not from the build context", in.line)
		}
		f = f[1:]
	}
	if len(f) < 2 || strings.HasPrefix(f[0], "[") {
		return nil, "", fmt.Errorf("line %d: COPY needs sources and a destination in the plain (not JSON) form", in.line)
	}
	return f[:len(f)-1], f[len(f)-1], nil
}

// argDefault is an ARG instruction's name and default ("" when none).
func argDefault(in instruction) (name, value string) {
	name, value, _ = strings.Cut(in.args, "=")
	return strings.TrimSpace(name), strings.Trim(strings.TrimSpace(value), `"`)
}

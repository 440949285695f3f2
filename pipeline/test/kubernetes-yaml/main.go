// Reads a rendered chart the way it reaches Kubernetes from helm: split into manifests at each line
// that starts with "---" (helm's separator), each manifest decoded by sigs.k8s.io/yaml, the decoder
// of Kubernetes' clients and API server, at the version helm's go.mod pins. Prints one JSON line per
// manifest: the object, or {"decodeError": "…"}. For pipeline/test/kubernetes-yaml.test.ts only.
package main

import (
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

var separator = regexp.MustCompile(`(?m)^---[ \t]*`)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	out := json.NewEncoder(os.Stdout)
	for _, manifest := range separator.Split(string(in), -1) {
		if strings.TrimSpace(manifest) == "" {
			continue
		}
		object, err := yaml.YAMLToJSON([]byte(manifest))
		if err != nil {
			_ = out.Encode(map[string]string{"decodeError": err.Error()})
			continue
		}
		if string(object) == "null" {
			continue
		}
		os.Stdout.Write(append(object, '\n'))
	}
}

// Checks a release's SLSA provenance with the in-toto project's own Go bindings
// (github.com/in-toto/attestation/go): the statement cosign verified, decoded JSON, on stdin.
// The predicate must unmarshal, unknown fields refused, into the SLSA Provenance v1 message and
// pass its Validate(); subject and predicate must make a Statement/v1 that passes Validate().
// Exit 0 valid, 1 not (the reason on stderr).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	provenance "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

type statement struct {
	Type          string            `json:"_type"`
	PredicateType string            `json:"predicateType"`
	Subject       []json.RawMessage `json:"subject"`
	Predicate     json.RawMessage   `json:"predicate"`
}

func check() error {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	var st statement
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("not a statement: %w", err)
	}
	var p provenance.Provenance
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(st.Predicate, &p); err != nil {
		return fmt.Errorf("not SLSA Provenance v1: %w", err)
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("invalid SLSA Provenance v1: %w", err)
	}
	var predicate structpb.Struct
	if err := protojson.Unmarshal(st.Predicate, &predicate); err != nil {
		return err
	}
	v1 := &intoto.Statement{Type: intoto.StatementTypeUri, PredicateType: st.PredicateType, Predicate: &predicate}
	for _, s := range st.Subject {
		var rd intoto.ResourceDescriptor
		if err := protojson.Unmarshal(s, &rd); err != nil {
			return fmt.Errorf("subject: %w", err)
		}
		v1.Subject = append(v1.Subject, &rd)
	}
	if err := v1.Validate(); err != nil {
		return fmt.Errorf("invalid as an in-toto Statement/v1: %w", err)
	}
	fmt.Printf("valid SLSA Provenance v1 predicate; valid as an in-toto Statement/v1; cosign wrote %s\n", st.Type)
	return nil
}

func main() {
	if err := check(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

module signed-release-pipeline/kubernetes-yaml

go 1.26

require sigs.k8s.io/yaml v1.6.0

// The go-yaml v2 that helm v4.3.1's go.mod selects under sigs.k8s.io/yaml.
require go.yaml.in/yaml/v2 v2.4.4 // indirect

// Every container image this project runs, in one place: the tag for people, the digest for
// machines. Renovate (renovate.json) proposes digest updates; nothing here is ever pulled by tag.
// These digests were taken from public pins of the tags shown; the tests check their form here,
// and the first `dagger call` checks that they resolve.

/** Builds and tests the service (npm ci, tsc, vitest). */
export const NODE_BUILD_IMAGE =
  'node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c';

/** The runtime base of the released image: no shell, no package manager, uid 65532. */
export const RUNTIME_BASE_IMAGE =
  'gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e';

/** helm v4: lint, package, push, pull, template. */
export const HELM_IMAGE = 'alpine/helm:4.2.2@sha256:ee6fe3e96d9f8ea8dd1af9ecd7bbb3e233616a25f145392376f020fd2a51eb33';

/** cosign v3: sign and verify. */
export const COSIGN_IMAGE =
  'ghcr.io/sigstore/cosign/cosign:v3.1.3@sha256:9e5c2f2edc34351160407ca3416c61855bdf9403c3c5936e0f0be7fc261611b8';

/** crane: pushes the image from the module's containers to a plain-HTTP service registry. */
export const CRANE_IMAGE =
  'gcr.io/go-containerregistry/crane:v0.21.8@sha256:e85fa14e99e5ef7351822ed887ce322bc1e22f9ef8e9eb54ebf2d7a9473bfef9';

/** The CNCF distribution registry, for the module's end-to-end function. */
export const REGISTRY_IMAGE = 'registry:3@sha256:1be55279f18a2fe1a74edf2664cac61c1bea305b7b4642dab412e7affdcb3e33';

export const PINNED_IMAGES = {
  NODE_BUILD_IMAGE,
  RUNTIME_BASE_IMAGE,
  HELM_IMAGE,
  COSIGN_IMAGE,
  CRANE_IMAGE,
  REGISTRY_IMAGE,
} as const;

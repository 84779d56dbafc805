"""The course: numbered steps on disk, their manifests and their checkpoints."""

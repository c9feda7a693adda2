# Sourced by the image scripts: one buildah storage for mcsync's images, under the user's cache,
# with the vfs driver (no overlay or fuse needed) and chroot isolation (no user namespaces,
# no runtime inside the build). Sets the `bah` array: `"${bah[@]}" images` runs buildah on it.
store="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync/buildah"
export BUILDAH_ISOLATION=chroot
bah=(buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs)

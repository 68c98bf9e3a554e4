// Before the specs: the image their job definitions name ("local", "busybox"), built locally,
// since the engines run jobs in containers and no registry is reachable.
import { ensureTestImageTags } from "../tests/helpers/test-image";

export default async function globalSetup() {
  await ensureTestImageTags();
}

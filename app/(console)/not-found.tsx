import { NotFoundMessage } from "@/components/ui/not-found-message";

/** A console page that finds nothing under its name (a deleted queue): the 404 inside the console's frame. */
export default function ConsoleNotFound() {
  return (
    <div className="flex justify-center py-8">
      <NotFoundMessage signedIn />
    </div>
  );
}

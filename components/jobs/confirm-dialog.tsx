// The styled confirmation moved to components/ui (every delete in the console uses it now);
// the job components keep importing it from here.
export { ConfirmDialog } from "@/components/ui/confirm-dialog";

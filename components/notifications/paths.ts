// Where the Notifications console lives: webhook endpoints, the rules that send to them, and the
// delivery log.
export const NOTIFICATIONS_PATH = "/notifications";

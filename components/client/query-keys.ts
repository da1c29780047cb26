/**
 * The one query-key factory for client data (TanStack Query). A list is cached under the most
 * specific key; a mutation invalidates a prefix, so every page and filter of that list refreshes.
 */
export type MemberFilters = { q: string; role: string; location: string; status: string; page: number };

export const queryKeys = {
  /** Every member list at every place (a role renamed or deleted shows in all of them). */
  members: () => ["members"] as const,
  /** Every page and filter of the member list at one place. */
  membersAt: (placeId: string) => ["members", placeId] as const,
  /** One page of the member list at one place, with its filters. */
  memberList: (placeId: string, filters: MemberFilters) => ["members", placeId, filters] as const,
  /** The people with a role exactly at one place (Settings > Locations' panel). */
  nodeMembers: (nodeId: string) => ["members", "node", nodeId] as const,
};

import { requireSection } from "@/lib/context/server";

/** The patient pages exist at clinic places only: 404 elsewhere. No loading boundary here, so a patient the caller may not see answers a real 404 status. */
export default async function PatientsLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  await requireSection((await params).nodeId, "/patients");
  return children;
}

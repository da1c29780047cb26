import { requireSection } from "@/lib/context/server";

/** The patient pages exist at clinic places only (404 elsewhere, before the loading boundary starts a response). */
export default async function PatientsLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  await requireSection((await params).nodeId, "/patients");
  return children;
}

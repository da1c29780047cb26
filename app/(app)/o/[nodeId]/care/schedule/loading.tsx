import { CareLoading } from "@/components/care/ui";

export default function Loading() {
  return <CareLoading label="Loading the schedule" />;
}

import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

// The sign-in endpoint itself: next-auth validates its own input and creates the session.
const handler = (req: Request, ctx: unknown) => NextAuth(authOptions())(req, ctx);
export { handler as GET, handler as POST };

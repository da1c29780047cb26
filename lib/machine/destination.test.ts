import { describe, expect, it } from "vitest";
import { endpointHostProblem, nonPublicAddress, refusedDestination } from "./destination";

describe("webhook destinations (SSRF)", () => {
  it.each([
    ["http://127.0.0.1:5432/", "loopback"],
    ["http://localhost/hook", "localhost"],
    ["http://app.localhost/hook", "localhost"],
    ["http://10.1.2.3/hook", "private"],
    ["http://192.168.0.10/hook", "private"],
    ["http://172.16.5.4/hook", "private"],
    ["http://169.254.169.254/latest/meta-data/", "linkLocal"],
    ["http://[::1]/hook", "loopback"],
    ["http://[::ffff:127.0.0.1]/hook", "loopback"],
    ["http://[fd00::1]/hook", "uniqueLocal"],
    ["http://0.0.0.0/hook", "unspecified"],
  ])("%s is refused before it is saved", (url, why) => {
    const problem = endpointHostProblem(url);
    expect(problem).toMatch(/can't be sent/);
    if (why !== "localhost") expect(nonPublicAddress(new URL(url).hostname.replace(/^\[|\]$/g, ""))).toContain(why);
  });

  it.each(["https://hooks.example.com/careaccess", "http://93.184.216.34/hook", "https://[2606:4700::1111]/hook"])("%s is allowed", (url) => {
    expect(endpointHostProblem(url)).toBeNull();
  });

  it("a public-looking literal is not resolved, a private one refused at delivery too", async () => {
    expect(await refusedDestination("http://93.184.216.34/hook")).toBeNull();
    expect(await refusedDestination("http://169.254.169.254/")).toMatch(/private or internal/);
  });

  it("a name that resolves to loopback is refused at delivery", async () => {
    expect(await refusedDestination("http://localhost.:8080/")).toMatch(/loopback|localhost/);
  });
});

describe("the endpoint form", () => {
  it("answers a field message for an internal address when private destinations are off (production)", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "false";
    const { createEndpointSchema } = await import("./webhooks");
    const bad = createEndpointSchema.safeParse({ url: "http://169.254.169.254/latest/meta-data/", events: ["member"] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["url"], message: expect.stringMatching(/private or internal addresses/) });
    expect(createEndpointSchema.safeParse({ url: "https://hooks.example.com/x", events: ["member"] }).success).toBe(true);
  });
});

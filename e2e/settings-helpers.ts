import { expect, type Page } from "@playwright/test";
import { signIn } from "./helpers";

/** Signs in and waits for the home screen. */
export async function signInAs(page: Page, email: string) {
  await signIn(page, email);
  await expect(page).toHaveURL(/\/$/);
}

/** The id of a place, read from the place switcher (which lists only places the person can enter). */
export async function placeId(page: Page, name: string): Promise<string> {
  await page.getByTestId("profile-switcher").click();
  const option = page.getByTestId("switcher-option").filter({ hasText: name }).first();
  const href = await option.getAttribute("href");
  await page.keyboard.press("Escape");
  const id = href?.match(/\/o\/([0-9a-f-]{36})/)?.[1];
  expect(id, `switcher link for ${name}`).toBeTruthy();
  return id!;
}

/** No sideways scrolling at this width. */
export async function expectNoOverflowAt(page: Page, width: number) {
  const before = page.viewportSize();
  await page.setViewportSize({ width, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `horizontal overflow at ${width}px`).toBe(0);
  if (before) await page.setViewportSize(before);
}

export async function expectNoOverflow(page: Page) {
  await expectNoOverflowAt(page, 1280);
  await expectNoOverflowAt(page, 768);
}

import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, test } from "vitest";
import { FilterSelect, PersonSelect } from "@/components/ui/select";
import { GrantList, StatusBadge, useDateRange } from "./grant-kit";

const render = (el: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(el);

test("a grant list with nothing in it shows its empty text and no table", () => {
  const html = render(h(GrantList<string>, { title: "Yours", empty: "Nothing yet.", testId: "t", columns: ["A"], rows: [], children: () => null }));
  expect(html).toContain("Nothing yet.");
  expect(html).not.toContain("<table");
  expect(html).toMatch(/<section aria-labelledby="([^"]+)"[^>]*><h2 id="\1"/);
});

test("a grant list names its columns, the unlabelled actions column last", () => {
  const html = render(h(GrantList<string>, { title: "Yours", empty: "", testId: "t", columns: ["Who", "Until"], actions: true, rows: ["x"], children: (r) => h("tr", { key: r }) }));
  expect(html.match(/<th scope="col" class="py-2 pr-3">/g)).toHaveLength(2);
  expect(html).toContain('<th scope="col" class="py-2"><span class="sr-only">Actions</span></th>');
  expect(html).toContain('data-testid="t"');
});

test("a status badge falls back to the raw value, and a label overrides", () => {
  const styles = { A: { label: "Active", className: "bg-x" } };
  expect(render(h(StatusBadge, { styles, value: "A" }))).toContain(">Active<");
  expect(render(h(StatusBadge, { styles, value: "Z" }))).toContain(">Z<");
  expect(render(h(StatusBadge, { styles, value: "A", label: "Other" }))).toContain(">Other<");
});

test("the date range asks for a last day before anything else", () => {
  let range: ReturnType<typeof useDateRange> | undefined;
  render(h(() => ((range = useDateRange()), null)));
  expect(range!.problem("Choose the last day.")).toBe("Choose the last day.");
});

test("the filter select offers 'all' first, under its label", () => {
  const html = render(h(FilterSelect, { label: "Provider", name: "provider", options: [{ id: "p1", name: "Dr. Lee" }], all: { value: "all", label: "All providers" }, defaultValue: "all" }));
  expect(html).toMatch(/^<label[^>]*>Provider<select name="provider"/);
  expect(html).toMatch(/<option value="all" selected="">All providers<\/option><option value="p1">Dr. Lee<\/option>/);
  expect(render(h(PersonSelect, { people: [{ id: "u", name: "Ann", email: "a@x.test" }], empty: { label: "Choose", disabled: true } }))).toContain('<option value="u">Ann (a@x.test)</option>');
});

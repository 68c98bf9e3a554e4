/**
 * A chart legend's words. Recharts writes them in their series' colour, and on white most of a
 * palette falls under 4.5:1 (indigo-500 is 4.47:1): the swatch keeps the colour, the words are
 * slate like the rest of the page's text. `<Legend formatter={legendText} />`.
 */
export const legendText = (value: string) => <span className="text-slate-700">{value}</span>;

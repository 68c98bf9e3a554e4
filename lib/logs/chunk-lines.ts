// How a stored LogChunk becomes lines, shared by the console's log reader and CloudWatch's
// GetLogEvents. A chunk holds whatever the process wrote between two cuts, so its last line
// may be unfinished: the process went on writing it into the stream's next chunk.
export interface ChunkLines {
  lines: string[];
  /** The last line has no newline yet; it continues in the same stream's next chunk. */
  partial: boolean;
}

export function chunkLines(data: string): ChunkLines {
  const lines = data.split("\n");
  const partial = lines[lines.length - 1] !== "";
  if (!partial && lines.length > 1) lines.pop();
  return { lines, partial };
}

/**
 * Plain text from main with `backticked` spans shown as code. Main writes commands that
 * way (e.g. "Run `aws configure`"); rendering them as code makes them easy to spot and copy.
 * Text only: nothing from the wire is ever treated as HTML.
 */
/** Code up to this many characters is kept on one line. */
const SHORT_CODE = 56;

export function RichText({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd number of parts means every backtick is paired; otherwise show the text as is.
  if (parts.length % 2 === 0) return <>{text}</>;
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <code key={index} className={part.length <= SHORT_CODE ? 'code--short' : undefined}>
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

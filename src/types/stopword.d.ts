// stopword ships no type declarations; only a test uses it (its English list, copied in english-stop-words.ts).
declare module 'stopword' {
  export const eng: string[];
}

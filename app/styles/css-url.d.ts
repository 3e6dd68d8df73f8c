// Stylesheets imported as `./file.css?url` (Remix classic compiler): the module is the file's public URL.
declare module '*.css?url' {
  const href: string;
  export default href;
}

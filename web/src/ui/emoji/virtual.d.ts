// The URL of the emoji picker's data (plugins/emoji_data.mjs makes it at build time).
declare module "virtual:emoji-data" {
  const url: string;
  export default url;
}

import type { ApplicationFunction } from "probot";
import { createApp } from "./app/create-app.js";

/** The GitHub App, as `probot run` loads it. APP_ID is read when Probot starts the app. */
const otpReview: ApplicationFunction = (app, options) => createApp({ appId: Number(process.env.APP_ID) })(app, options);

export default otpReview;

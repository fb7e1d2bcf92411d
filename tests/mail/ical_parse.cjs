// Reads an iCalendar file on stdin and prints what Mozilla's ical.js (Thunderbird's parser)
// understood, as JSON. Used by test_ical_parsers.py.
"use strict";
const path = require("path");
const loaded = require(path.join(__dirname, "..", "support", "node_modules", "ical.js"));
const ICAL = loaded.default || loaded;  // the CommonJS build exports the library as default

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(input));
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const attendee = vevent.getFirstProperty("attendee");
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      location: event.location,
      description: event.description,
      status: vevent.getFirstPropertyValue("status"),
      organizer: vevent.getFirstPropertyValue("organizer"),
      attendee: attendee ? attendee.getFirstValue() : null,
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      url: vevent.getFirstPropertyValue("url"),
    };
  });
  process.stdout.write(JSON.stringify({
    method: calendar.getFirstPropertyValue("method"),
    events,
  }));
});

#!/usr/bin/python3
"""generate.py: builds the two sample projects' CSV files.

    /usr/bin/python3 sample-projects/generate.py [OUT_DIR]

Writes OUT_DIR/{sentiment,moderation}/{items,votes,predictions,gold}.csv (OUT_DIR
defaults to the directory holding this script). Standard library only, fixed
seed: the same run gives byte-identical files, which are committed so the
build needs no Python.

Every item text is written for gavel: hand-written lists below, plus short
templates filled from hand-written phrase lists. Each item carries a true
label and a kind (clear, mixed, sarcasm, ...); simulated annotators vote with
confusions that depend on the kind, and a simulated model gives probabilities.
gold.csv is the answer key the simulation started from (true label and kind),
for checking truth inference; it is not imported.

Sentiment annotators: six decent ones (errors mostly between adjacent labels,
more on hard items), "gus" who is careless (more than half his votes are
random) and "hana" who is biased (pulls neutral to positive). Moderation
annotators: six decent ones (they slip towards the tempting wrong label on
edge cases), "kit" who is careless and "lee" who is strict (flags edge cases
that are fine as the harmful label they resemble).
"""
import csv
import io
import os
import random
import sys

SEED = 20240611

# --------------------------------------------------------------------------
# Sentiment: product reviews, ordinal negative < neutral < positive.
# (text, label, kind); kinds: clear, faint, mixed, sarcasm, comparison.
# --------------------------------------------------------------------------
SENT_LABELS = ["negative", "neutral", "positive"]

SENT_HAND = [
    ("Stopped charging after nine days. Support sent me a link to a FAQ that doesn't mention my model.", "negative", "clear"),
    ("Honestly the best kettle I've owned. Boils fast, doesn't spit, and the lid opens with one finger.", "positive", "clear"),
    ("It's a phone case. It fits the phone. That's about all I can say.", "neutral", "clear"),
    ("Oh great, another charger that only works if you hold the cable at exactly 37 degrees.", "negative", "sarcasm"),
    ("Wow, five whole days before the strap snapped. Truly built to last.", "negative", "sarcasm"),
    ("Sure, the blender is loud. So is a jet engine, and at least the jet engine gets you somewhere.", "negative", "sarcasm"),
    ("Love how the 'waterproof' speaker died in light drizzle. Ten out of ten, would get rained on again.", "negative", "sarcasm"),
    ("Fantastic product if your goal is to practise patience while it reboots.", "negative", "sarcasm"),
    ("Just what I needed: a smart bulb that forgets its schedule every time the wifi blinks.", "negative", "sarcasm"),
    ("Better than my old vacuum, but my old vacuum was from 2004, so that's not saying much.", "neutral", "comparison"),
    ("Not as comfy as the Aurora pillow, but half the price and it doesn't go flat.", "positive", "comparison"),
    ("Compared with the previous version the battery is worse and the screen is the same. Why upgrade?", "negative", "comparison"),
    ("The mouse is fine. My last one was fine too. I genuinely can't tell them apart.", "neutral", "comparison"),
    ("Slightly cheaper than the brand name and just as good. Switched for good.", "positive", "comparison"),
    ("Cheaper than the competition, and you can feel exactly where they saved the money.", "negative", "comparison"),
    ("Great sound, terrible app. I keep it because the sound wins, barely.", "positive", "mixed"),
    ("The desk looks beautiful and was a nightmare to assemble. Two missing screws. Looks great now though.", "neutral", "mixed"),
    ("Food comes out crispy, but the basket coating started peeling in the first month.", "neutral", "mixed"),
    ("I wanted to love this tent. The setup is quick, but it leaked on the first night.", "negative", "mixed"),
    ("Good value, flimsy hinges, lovely colour. Mixed feelings overall.", "neutral", "mixed"),
    ("The coffee is excellent; the machine's descaling alarm goes off every other day, which is not.", "neutral", "mixed"),
    ("Does the job. Nothing more, nothing less.", "neutral", "faint"),
    ("Arrived on Tuesday as promised.", "neutral", "faint"),
    ("Pretty decent for the price, I suppose.", "positive", "faint"),
    ("Not bad.", "positive", "faint"),
    ("Could be worse.", "neutral", "faint"),
    ("A bit disappointing, to be honest.", "negative", "faint"),
    ("Meh.", "neutral", "faint"),
    ("My daughter uses it every day for school and hasn't complained once, which is a first.", "positive", "clear"),
    ("Returned it. The fan makes a whine you can hear from the next room.", "negative", "clear"),
    ("The instructions were in six languages and none of them explained step four.", "negative", "clear"),
    ("Bought a second one for my mother. She loves it too.", "positive", "clear"),
    ("The colour is slightly different from the photo, more teal than blue.", "neutral", "clear"),
    ("Perfect café-style foam at home. I'm slightly ashamed of how much money I've saved.", "positive", "clear"),
    ("I was naïve enough to believe the '48-hour battery' claim. It's more like 11.", "negative", "clear"),
    ("这款耳机音质很好，但是电池不耐用。", "neutral", "mixed"),
    ("とても使いやすいです！毎日使っています。", "positive", "clear"),
    ("Love it 😍😍 best purchase this year", "positive", "clear"),
    ("🙄 it works, I guess", "neutral", "faint"),
    ("Broke in a week 😡 don't bother", "negative", "clear"),
    ("Le produit est arrivé cassé. Très déçu.", "negative", "clear"),
    ("Zoë picked this crème brûlée torch for my birthday and it has been brilliant, even for jalapeño skins.", "positive", "clear"),
    ("Packaging was excessive: a box inside a box inside a box, all for one USB stick.", "neutral", "mixed"),
    ("I don't usually write reviews, but this stroller deserves one. Folds with one hand, steers like a dream.", "positive", "clear"),
    ("The seller was lovely. The product, less so.", "negative", "mixed"),
    ("Smells like chemicals out of the box. Fine after a week of airing, I think.", "neutral", "mixed"),
    ("If you want a toaster that toasts one side only, look no further.", "negative", "sarcasm"),
    ("Five stars for the delivery driver, one star for the lamp. Averaging it out: three.", "neutral", "mixed"),
    ("My cat approves, and my cat approves of nothing.", "positive", "clear"),
    ("Exactly as described. Would buy again if I ever need another ladder, which I hope I won't.", "positive", "faint"),
    ("It's okay. The old model had a physical button, which I miss.", "neutral", "comparison"),
    ("Absolutely brilliant, said no one who had to charge it twice a day.", "negative", "sarcasm"),
    ("Keeps coffee hot for hours. Leaks if you look at it sideways.", "neutral", "mixed"),
    ("After three months of daily runs the soles are barely worn. Impressive.", "positive", "clear"),
    ("Stitching came undone on the first wash.", "negative", "clear"),
    ("Works with my older laptop, which the listing didn't promise. Pleasant surprise.", "positive", "clear"),
    ("The keyboard is nice to type on but the letters wore off within weeks.", "neutral", "mixed"),
    ("Stopped working exactly one day after the return window closed. Coincidence, surely.", "negative", "sarcasm"),
    ("Fine for a guest room. I wouldn't sleep on it every night.", "neutral", "faint"),
    ("The best thing about this backpack is the price. The second best thing is also the price.", "negative", "sarcasm"),
    ("Better than expected. I assumed it would be junk and it's merely average.", "neutral", "comparison"),
    ("I've bought a lot of cheap headphones; these are the first that don't hurt after an hour.", "positive", "comparison"),
    ("Half the features in the ad aren't available in my country. The rest work well.", "neutral", "mixed"),
    ("Not the fastest router on the market, but rock solid. Zero drops in six months.", "positive", "mixed"),
    ("The pan is non-stick for about two weeks. After that it's very much stick.", "negative", "clear"),
    ("Gift for my dad. He says it's 'alright', which from him is high praise.", "positive", "mixed"),
    ("I can't say I'm thrilled, but I'm not returning it either.", "neutral", "faint"),
    ("Easily the worst purchase I've made this year, and I bought a timeshare.", "negative", "clear"),
    ("Quiet, efficient, and the filter is cheap to replace. No complaints.", "positive", "clear"),
    ("No complaints, no compliments.", "neutral", "faint"),
    ("It's not the worst drill I've used.", "neutral", "faint"),
    ("Bright, even light, and the dimmer actually goes low enough for a bedroom.", "positive", "clear"),
    ("Received the wrong size twice. Third time lucky? We'll see.", "negative", "mixed"),
    ("Sturdy, ugly, effective. Like a good umbrella should be.", "positive", "mixed"),
    ("The app wants my location, my contacts and my microphone to run a fan. No thanks.", "negative", "clear"),
    ("I expected nothing and I was still let down.", "negative", "sarcasm"),
    ("Good enough.", "neutral", "faint"),
    ("Works. Cheap. Arrived. What more could you want from a cable?", "positive", "faint"),
    ("The scale is accurate to the gram, checked against a lab scale at work.", "positive", "clear"),
    ("Cute design, but the clock loses five minutes a week.", "neutral", "mixed"),
    ("Customer service replaced it without a single question. The replacement is working perfectly.", "positive", "mixed"),
    ("Had high hopes after the reviews. Must have got a bad one.", "negative", "faint"),
    ("Just as good as the one sold at twice the price in the high-street shop.", "positive", "comparison"),
    ("The e-reader is lighter than my old one but the screen is dimmer. A wash.", "neutral", "comparison"),
    ("Battery life is incredible: I charge it on Sundays and forget about it.", "positive", "clear"),
    ("Thank you for selling me a water bottle that makes everything taste like a swimming pool.", "negative", "sarcasm"),
    ("Does what it says on the tin. The tin is slightly dented.", "neutral", "faint"),
    ("The print quality is stunning. The ink costs more than the printer.", "neutral", "mixed"),
    ("It's grown on me. Didn't like it at first, now I use it daily.", "positive", "mixed"),
    ("Ordered a medium, it fits like a small. Otherwise lovely fabric.", "neutral", "mixed"),
    ("Dead on arrival. Replacement also dead on arrival. Impressive consistency.", "negative", "sarcasm"),
    ("I'd give zero stars if I could.", "negative", "clear"),
    ("Exceeded every expectation. Setup took two minutes.", "positive", "clear"),
    ("Average. Returned it for a different model.", "negative", "faint"),
    ("Works perfectly, exactly like the last three I bought for the office.", "positive", "clear"),
    ("The naïve design is charming, but the paint chips easily.", "neutral", "mixed"),
    ("Great for kids, too fiddly for my grandfather's hands.", "neutral", "mixed"),
    ("Can't fault it.", "positive", "clear"),
    ("As a professional chef I was sceptical. I'm now a convert.", "positive", "clear"),
    ("The hinge squeaks. Otherwise unremarkable.", "neutral", "faint"),
    ("What a joy it is to spend twenty minutes untangling this 'tangle-free' hose every morning.", "negative", "sarcasm"),
    ("Solid build. Heavier than the pictures suggest.", "neutral", "mixed"),
    ("A tiny bit overpriced, but it's the only one that fits my old bike.", "positive", "mixed"),
    ("Worse than the free one the gym gave me.", "negative", "comparison"),
    ("On par with the big brands, with a longer warranty.", "positive", "comparison"),
    ("I'm on my second. The first lasted four years, which is fine by me.", "positive", "clear"),
    ("Nothing special. Does the job for a student flat.", "neutral", "faint"),
    ("Rubbish. Absolute rubbish.", "negative", "clear"),
    ("Genuinely changed how I cook on weeknights.", "positive", "clear"),
    ("Lovely to look at, horrible to clean.", "neutral", "mixed"),
    ("It arrived. It is a doormat. People wipe their feet on it.", "neutral", "faint"),
    ("Glad I didn't pay full price.", "negative", "faint"),
    ("Glad I paid the extra for this one instead of the cheaper model.", "positive", "comparison"),
    ("The zip broke on day one, but the seller sent a new bag the next morning. Fair enough.", "neutral", "mixed"),
    ("Kids ignored it after a day. Well made, though.", "neutral", "mixed"),
]

SENT_PRODUCTS = [
    ("wireless earbuds", "the sound", "the case"),
    ("air fryer", "the cooking", "the basket"),
    ("office chair", "the lumbar support", "the armrests"),
    ("robot vacuum", "the suction", "the app"),
    ("electric toothbrush", "the cleaning", "the charger"),
    ("hiking boots", "the grip", "the laces"),
    ("smart watch", "the heart-rate sensor", "the strap"),
    ("coffee grinder", "the grind", "the hopper"),
    ("yoga mat", "the grip", "the smell"),
    ("desk lamp", "the light", "the clamp"),
    ("bluetooth speaker", "the bass", "the buttons"),
    ("rice cooker", "the rice", "the lid"),
    ("winter jacket", "the warmth", "the zip"),
    ("mechanical keyboard", "the switches", "the keycaps"),
    ("baby monitor", "the video", "the range"),
    ("travel mug", "the insulation", "the lid"),
    ("gaming mouse", "the sensor", "the software"),
    ("standing desk", "the motor", "the desktop"),
    ("hair dryer", "the airflow", "the cord"),
    ("cast iron pan", "the heat", "the handle"),
    ("e-reader", "the screen", "the page buttons"),
    ("garden hose", "the pressure", "the connector"),
    ("pillow", "the support", "the cover"),
    ("drone", "the camera", "the battery"),
    ("sewing machine", "the stitching", "the manual"),
    ("dash cam", "the footage", "the mount"),
    ("electric scooter", "the range", "the brakes"),
    ("food processor", "the blades", "the bowl"),
    ("running shorts", "the fit", "the pocket"),
    ("webcam", "the picture", "the microphone"),
]

SENT_POS = ["is excellent", "works perfectly", "is better than I hoped", "is superb",
            "is genuinely impressive", "is spot on", "has been flawless"]
SENT_NEG = ["is awful", "stopped working within a month", "is a joke", "is flimsy",
            "broke almost immediately", "is useless", "is badly made"]
SENT_NEU = ["is what you'd expect", "is average", "is fine", "is neither good nor bad",
            "is about the same as any other", "is adequate"]
SENT_OPEN = ["", "Bought this last spring. ", "Second purchase. ", "Gift for my brother. ",
             "Used daily for three weeks. ", "Update after two months: ", "Quick review: "]
SENT_CLOSE_POS = ["Highly recommend.", "Would buy again.", "Five stars.", "Very happy.", ""]
SENT_CLOSE_NEG = ["Avoid.", "Returning it.", "Save your money.", "One star.", ""]
SENT_CLOSE_NEU = ["It'll do.", "Nothing to add.", "Take that as you will.", ""]


def sent_templates(rng):
    """Review texts built from the phrase lists: (text, label, kind)."""
    out = []
    for product, main, part in SENT_PRODUCTS:
        p = product.capitalize()
        opener = rng.choice(SENT_OPEN)
        out.append(("%sThe %s: %s %s. %s" % (opener, product, main, rng.choice(SENT_POS),
                                             rng.choice(SENT_CLOSE_POS)), "positive", "clear"))
        out.append(("%s%s %s, and %s %s. %s" % (rng.choice(SENT_OPEN), p, "arrived late", part,
                                                 rng.choice(SENT_NEG), rng.choice(SENT_CLOSE_NEG)),
                    "negative", "clear"))
        out.append(("%s %s. %s %s. %s" % (main.capitalize(), rng.choice(SENT_NEU), part.capitalize(),
                                           rng.choice(SENT_NEU), rng.choice(SENT_CLOSE_NEU)),
                    "neutral", "faint"))
        # Mixed: the sentence that comes last usually wins, but not always for annotators.
        if rng.random() < 0.5:
            out.append(("%s %s, but %s %s. Overall I'm keeping it." % (
                main.capitalize(), rng.choice(SENT_NEG), part, rng.choice(SENT_POS)),
                "positive", "mixed"))
        else:
            out.append(("%s %s, but %s %s. Not sure it's worth it." % (
                main.capitalize(), rng.choice(SENT_POS), part, rng.choice(SENT_NEG)),
                "neutral", "mixed"))
        out.append(("Oh sure, %s %s, if by that you mean it %s." % (
            main, rng.choice(["is 'premium'", "is 'pro grade'", "is 'built to last'"]),
            rng.choice(["fell apart in a week", "needed three replacements", "rattles constantly"])),
            "negative", "sarcasm"))
        if rng.random() < 0.5:
            out.append(("Compared with my old %s, %s is %s." % (
                product, main, rng.choice(["a big step up", "noticeably better", "much nicer"])),
                "positive", "comparison"))
        else:
            verdict, label = rng.choice([("a step down", "negative"), ("worse, sadly", "negative"),
                                         ("about the same", "neutral")])
            out.append(("Compared with my old %s, %s is %s." % (product, main, verdict), label,
                        "comparison"))
        if rng.random() < 0.55:
            text = "%s the %s. %s" % (
                rng.choice(["Can't fault", "Really pleased with", "Happy with"]), product,
                rng.choice(["Exactly what I needed.", "", "Nice surprise."]))
            out.append((text.strip(), "positive", "clear"))
        else:
            text = "The %s %s. %s" % (
                product, rng.choice(["is okay", "came as described", "does the basics"]),
                rng.choice(["", "Nothing to write home about."]))
            out.append((text.strip(), "neutral", "faint"))
    return out


# --------------------------------------------------------------------------
# Moderation: nominal labels. (text, label, tempting wrong label or None).
# The tempting label is what a hasty reader would pick; None means clear.
# --------------------------------------------------------------------------
MOD_LABELS = ["ok", "harassment", "hate", "violence", "self-harm", "spam"]

MOD_HAND = [
    # reporting a slur that was said to someone: fine to post
    ("Someone on the bus called my son a [slur] today. He's eight. How do I talk to him about it?", "ok", "hate"),
    ("Reporting this account: they replied '[slur] go home' under my photo.", "ok", "hate"),
    ("The referee heard a fan shout [slur] at our striker and stopped the match. Good call.", "ok", "hate"),
    ("My manager keeps using [slur] as a 'joke'. Is that something HR can act on?", "ok", "hate"),
    ("Screenshot of the DMs I got last night, all of them with [slur] in them. Please report him.", "ok", "harassment"),
    ("History class today covered the propaganda that called [group] people vermin. Chilling how normal it sounded then.", "ok", "hate"),
    # reclaimed language
    ("We're the loudest [reclaimed term] in the parade and proud of it 🌈", "ok", "hate"),
    ("As a [group] woman I call my friends [reclaimed term]; it's affection, not an insult.", "ok", "hate"),
    ("The band calls themselves the [reclaimed term] Collective and honestly it's a great name.", "ok", "hate"),
    ("Only we get to say [reclaimed term]. Outsiders using it is a different story.", "ok", "hate"),
    # news reporting violence
    ("Police said two people were injured in the stabbing near the station; a suspect is in custody.", "ok", "violence"),
    ("The report estimates 40 civilians were killed in the shelling last week.", "ok", "violence"),
    ("Court hears the defendant threatened his neighbour before the assault, the prosecutor said.", "ok", "violence"),
    ("Breaking: shots fired near the mall, police ask residents to avoid the area.", "ok", "violence"),
    ("Documentary review: it doesn't shy away from the massacre, but it never glorifies it.", "ok", "violence"),
    # dark humour
    ("My code compiled on the first try. I'm going to lie down before the universe corrects itself.", "ok", None),
    ("Monday meetings make me want to walk into the sea lol", "ok", "self-harm"),
    ("If my sourdough dies again I'm holding a funeral and everyone has to wear black.", "ok", None),
    ("This spreadsheet is going to be the death of me", "ok", "self-harm"),
    ("I would commit crimes for a decent croissant in this town.", "ok", "violence"),
    ("My plants are in witness protection since I moved in. None of them survive.", "ok", None),
    ("I'm going to murder this karaoke song tonight, apologies in advance.", "ok", "violence"),
    ("Kill me now, the printer jammed again.", "ok", "self-harm"),
    # song lyrics and fiction
    ("'I'm gonna burn this whole town down' — can't stop playing this chorus on repeat", "ok", "violence"),
    ("Writing my thriller's climax: the detective finally confronts the killer on the pier. Feedback welcome!", "ok", "violence"),
    ("Favourite lyric: 'bury me with my headphones on'. So good.", "ok", "self-harm"),
    ("Rehearsing Macbeth and the stage blood keeps staining the costumes.", "ok", "violence"),
    ("'Bang bang, he shot me down' is stuck in my head for the third day.", "ok", "violence"),
    # gaming and sport banter
    ("I'm going to destroy you in the final round tonight, bring snacks", "ok", "violence"),
    ("Our defence got absolutely murdered in the second half.", "ok", "violence"),
    ("GG, you crushed us. Rematch Friday?", "ok", None),
    ("Headshot from across the map, my hands are shaking", "ok", "violence"),
    # threats framed as jokes: violence
    ("lol imagine if someone followed Dana home after her shift tonight. just a joke ;)", "violence", "ok"),
    ("Jk jk but I do know which car is yours, Mark 🙂", "violence", "harassment"),
    ("Kidding, obviously, but the referee should check under his car before driving home.", "violence", "ok"),
    ("Just saying, accidents happen to people who leak things. Anyway, nice weather!", "violence", "ok"),
    ("Haha I'm totally going to be waiting outside your office at 6, Priya. Relax, it's a joke.", "violence", "harassment"),
    ("No threat intended, but the next person who parks in my spot won't get their tyres back in one piece.", "violence", "ok"),
    ("If the council votes for this, someone should teach them a lesson they won't forget. Peacefully, of course 😉", "violence", "ok"),
    # real threats
    ("I know where you live and I'm coming for you this weekend.", "violence", "harassment"),
    ("Someone needs to hurt that journalist so she stops writing.", "violence", None),
    ("Bring whatever you want to the protest, we'll make sure they don't walk away.", "violence", None),
    # self-harm: disclosures seeking help
    ("I've been thinking about hurting myself again and I don't know who to talk to. Any advice?", "self-harm", "ok"),
    ("Is it normal to feel like everyone would be better off without me? Not planning anything, just scared.", "self-harm", "ok"),
    ("Relapsed last night after 60 days. Feeling ashamed. How do people restart?", "self-harm", "ok"),
    ("I don't want to be here anymore. Can someone please just talk to me for a bit?", "self-harm", None),
    ("My friend posted a goodbye message and isn't answering. What do I do?", "self-harm", "ok"),
    # self-harm: encouragement
    ("Just do it already, nobody would even notice you're gone.", "self-harm", "harassment"),
    ("Starving yourself works if you're disciplined enough. Weak people give up. Stay strong 💪", "self-harm", None),
    ("You keep posting about it, so stop talking and go through with it.", "self-harm", "harassment"),
    ("Tips thread: how to hide the marks from your parents. Reply with yours.", "self-harm", None),
    # recovery / awareness: ok but tempting self-harm
    ("Two years free from self-harm today. If you're struggling, it does get better. ❤️", "ok", "self-harm"),
    ("Our charity runs a free helpline for anyone having thoughts of suicide; the number is in our bio.", "ok", "self-harm"),
    ("Reading group this week: a memoir about recovering from an eating disorder. Content notes in the post.", "ok", "self-harm"),
    ("Talked to my GP about my low mood and it honestly helped. Don't wait like I did.", "ok", "self-harm"),
    # harassment vs hate
    ("@jenna_r you're a talentless fraud and everyone at work laughs at you behind your back", "harassment", None),
    ("Keep posting, Tom. Every post shows how pathetic you are.", "harassment", None),
    ("Everyone report Alex's account, let's get her kicked off every site she's on.", "harassment", None),
    ("Nobody asked for your opinion, grandma, log off and stay off.", "harassment", "hate"),
    ("Women like you shouldn't be allowed to referee men's games.", "hate", "harassment"),
    ("Typical [group] behaviour, they're all thieves, every last one of them.", "hate", None),
    ("[group] people are ruining this neighbourhood and should be kept out.", "hate", None),
    ("Don't hire [group] applicants, they're lazy by nature. Just facts.", "hate", None),
    ("I'm not racist but [group] families shouldn't be allowed in our school.", "hate", None),
    ("That [slur] on the night shift should be fired.", "hate", "harassment"),
    ("You're a disgrace to your whole [group] community, Sam.", "hate", "harassment"),
    ("Posting her home address here so people can tell her what they think of her in person.", "harassment", "violence"),
    ("Made a second account since you blocked me. You can't get rid of me that easily.", "harassment", None),
    ("Imagine being this ugly and still posting selfies lmao", "harassment", None),
    # spam, plain and coded
    ("Earn $500 a day from home!!! Click the link in my profile NOW", "spam", None),
    ("g3t fr33 f0ll0w3rs — l1nk in b1o 🔥🔥", "spam", "ok"),
    ("DM me 'INFO' for the crypto signal group 💸 only 10 spots left", "spam", "ok"),
    ("Great post! Btw I found cheap watches at rolex-outlet-deals dot shop, check it out", "spam", "ok"),
    ("Hi dear, I am a financial advisor, kindly message me on the other app for investment plan", "spam", None),
    ("Who else is tired of working 9-5? 🧐 I changed my life in 3 weeks, ask me how", "spam", "ok"),
    ("Cheap essays, any subject, 24h. w h a t s a p p in profile", "spam", None),
    ("Congrats you have been selected for a $1000 gift card, claim before midnight", "spam", None),
    ("Love this! 😍 Follow back? I post daily motivation and sneaker drops", "spam", "ok"),
    ("Selling my old bike, 120 or best offer, pickup only. Pics in the comments.", "ok", "spam"),
    ("Our bakery's open day is Saturday, free samples for everyone in the village!", "ok", "spam"),
    ("I wrote a free guide to budgeting as a student, link below if it helps anyone.", "ok", "spam"),
    # ordinary ok
    ("Does anyone know a good vet near the harbour? Our dog has a limp.", "ok", None),
    ("The new library opening hours are up on the council website.", "ok", None),
    ("Just finished my first 10k! Slow, but I finished.", "ok", None),
    ("Recipe swap: what's your go-to dinner when you're tired?", "ok", None),
    ("Strongly disagree with the mayor's transport plan; here's why, with numbers.", "ok", "harassment"),
    ("This is the worst take I've read all week, and I read a lot of takes.", "ok", "harassment"),
    ("Your argument falls apart if you look at the 2019 figures.", "ok", None),
    ("Can we please stop scheduling meetings at 8 am, I am begging.", "ok", None),
    ("The ending of that series made me cry on a train. Zero regrets.", "ok", None),
    ("Meet-up at the café on Rue Molière, 7 pm, all welcome — bring a board game!", "ok", None),
    ("今日は雨だけど、みんなで映画を見に行きます。", "ok", None),
    ("Lost a grey cat near the allotments, answers to Biscuit. Please message if seen.", "ok", None),
    ("Reminder: bins go out on Wednesday this week because of the bank holiday.", "ok", None),
    ("Would anyone like to swap seeds? I have far too many tomato varieties.", "ok", None),
    ("The quiz night raised 400 for the hospice. Thank you all!", "ok", None),
    ("Our choir is looking for tenors. No auditions, just enthusiasm.", "ok", None),
    ("I think the referee got that decision badly wrong, and the replay proves it.", "ok", "harassment"),
    ("Calling the councillor a liar isn't harassment if she lied; here's the recording.", "ok", "harassment"),
    ("Satire: 'Local man declares war on pigeons, pigeons unbothered'.", "ok", "violence"),
    ("The museum's new exhibit on the civil war is harrowing and important.", "ok", "violence"),
    ("Self-defence class on Thursday teaches how to break a wrist grab. Beginners welcome.", "ok", "violence"),
    ("Nurse here: if someone tells you they're thinking of suicide, ask them directly and stay with them.", "ok", "self-harm"),
    ("He said the word [slur] on stream and got banned, and people are acting like that's censorship.", "ok", "hate"),
    ("Linguistics question: how did [reclaimed term] go from an insult to something people use proudly?", "ok", "hate"),
    ("You again? Go back to whatever hole you crawled out of, Ravi.", "harassment", None),
    ("Screenshotting all of Chloe's old posts to send to her new employer. She deserves it.", "harassment", None),
    ("Every thread you join dies, Omar. Take the hint.", "harassment", None),
    ("Old people shouldn't be allowed to vote, they're a burden on everyone.", "hate", "harassment"),
    ("Disabled people are faking it for benefits, all of them.", "hate", None),
    ("[group] people don't belong in this country and never will.", "hate", None),
    ("Keep talking and you'll find out what happens to people who cross me.", "violence", "harassment"),
    ("Someone should put a brick through that shop's window so they learn.", "violence", None),
    ("We'll be at the match with bats for their fans, you've been warned.", "violence", None),
    ("Everyone says I'm fine but I've started giving my things away. Is that a bad sign?", "self-harm", "ok"),
    ("I keep scratching my arms when I'm stressed and I want to stop. What helps?", "self-harm", "ok"),
    ("Buy 1 get 3 free!!! Sunglasses at unbeatable prices, link below ⬇️⬇️", "spam", None),
    ("I made 4k last week with this one weird app, comment YES for the link", "spam", None),
    ("Sister company is hiring 'remote assistants', 300/day, no experience, DM quick", "spam", None),
    ("Support the page 🙏 follow, like, share and tag 5 friends to win an iPhone", "spam", "ok"),
    ("Mi abuela hace las mejores empanadas del mundo, no hay debate.", "ok", None),
]

MOD_PEOPLE = ["Dana", "Mark", "Priya", "Tom", "Alex", "Jordan", "Sam", "Lena", "Ravi", "Chloe",
              "Omar", "Kasia", "Ben", "Yuki", "Nadia"]
MOD_PLACES = ["the station", "the stadium", "the high street", "the harbour", "the market",
              "the school gates", "the car park", "the shopping centre"]
MOD_TOPICS = ["the bus timetable", "the new cycle lane", "the book club", "the football results",
              "the school fete", "the allotment waiting list", "the weekend forecast",
              "the museum reopening", "the night market", "the repair café"]
MOD_INSULTS = ["a clown", "pathetic", "a waste of space", "a talentless hack", "an embarrassment",
               "a joke", "a loser"]
MOD_STEREOTYPES = ["criminals", "lazy", "dirty", "liars", "a disease on this country",
                   "not real citizens"]
MOD_OFFERS = ["free followers", "crypto signals", "cheap designer bags", "a work-from-home plan",
              "discount pills", "guaranteed betting tips", "an easy loan"]
MOD_CODED = ["l1nk in b10", "ch3ck my pr0file", "D M for info", "t.me slash deals",
             "w-h-a-t-s-a-p-p me", "see st0ry"]


def mod_templates(rng):
    """Moderation texts built from the phrase lists: (text, label, tempting label)."""
    out = []
    for topic in MOD_TOPICS:
        out.append(("Does anyone have an update on %s? The website hasn't changed in weeks." % topic,
                    "ok", None))
        out.append(("Honestly %s is a disaster and whoever planned it should resign." % topic,
                    "ok", "harassment"))
        out.append(("Thanks to everyone who helped with %s yesterday, it went really well!" % topic,
                    "ok", None))
    for person in MOD_PEOPLE:
        place = rng.choice(MOD_PLACES)
        out.append(("@%s you're %s and everyone here knows it." % (person.lower(), rng.choice(MOD_INSULTS)),
                    "harassment", None))
        out.append(("%s, nobody wants you here. Delete your account." % person, "harassment", None))
        out.append(("If I see %s at %s again, they'll regret it." % (person, place), "violence",
                    "harassment"))
        out.append(("Only joking, %s, but I'd watch my back near %s if I were you 🙂" % (person, place),
                    "violence", "ok"))
        out.append(("%s absolutely destroyed me at chess again. Rematch at %s?" % (person, place),
                    "ok", "violence"))
        out.append(("Worried about %s, they posted that they can't cope anymore and went quiet. "
                    "Who should I call?" % person, "self-harm", "ok"))
        out.append(("Local news: %s was treated for minor injuries after a fight near %s; "
                    "police are appealing for witnesses." % (person, place), "ok", "violence"))
    for st in MOD_STEREOTYPES:
        out.append(("[group] people are %s, I said what I said." % st, "hate", None))
        out.append(("Fact check: the claim that [group] people are %s is false; here are the numbers." % st,
                    "ok", "hate"))
        out.append(("My uncle said [group] people are %s at dinner and I didn't know how to respond. "
                    "Advice?" % st, "ok", "hate"))
    for offer in MOD_OFFERS:
        out.append(("Get %s TODAY, limited offer, click now!!!" % offer, "spam", None))
        out.append(("%s — %s 💯" % (offer.capitalize(), rng.choice(MOD_CODED)), "spam", "ok"))
        out.append(("Anyone else getting DMs offering %s? Blocked three accounts today." % offer,
                    "ok", "spam"))
        out.append(("Nice photo! ps %s, %s" % (offer, rng.choice(MOD_CODED)), "spam", "ok"))
    for lyric in ["'I'll see you in hell, my love' is the saddest line on the album",
                  "'Knives out tonight' by my favourite band just dropped and it slaps",
                  "the opera ends with everyone dead on stage as usual, gorgeous music though",
                  "'Set fire to the rain' at karaoke again, the neighbours love us",
                  "just watched a true-crime doc about the 1970s robberies, so well researched",
                  "my D&D party just slaughtered a dragon and the rogue stole its teeth"]:
        out.append((lyric, "ok", "violence"))
    for joke in ["this deadline is going to kill me", "if one more person replies-all I'm throwing "
                 "my laptop into the river", "I'd rather die than sit through that lecture again",
                 "my bank balance just made me want to lie in the road", "I'm dead 💀 that video",
                 "that exam was a crime scene"]:
        out.append((joke.capitalize(), "ok", "self-harm" if "die" in joke or "road" in joke or
                    "dead" in joke else "violence"))
    for plea in ["I haven't eaten properly in a week on purpose and I'm scared it's getting worse.",
                 "Night three of not sleeping and the thoughts are back. I don't want to act on them.",
                 "Can someone recommend a crisis line that takes texts? Asking for me.",
                 "I hurt myself again tonight. Not looking for pity, just don't want to be alone with it."]:
        out.append((plea, "self-harm", "ok"))
    for push in ["You're so weak. Real ones don't ask for help, they just end it.",
                 "Pro tip: skip meals until you pass out, it's the only way it works.",
                 "Why are you still here? Everyone is waiting for you to finally do it."]:
        out.append((push, "self-harm", "harassment"))
    return out


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def probs_row(p):
    """Round probabilities to 4 decimals so that they sum to exactly 1."""
    tenk = [int(round(x * 10000)) for x in p]
    top = max(range(len(p)), key=lambda j: p[j])
    tenk[top] += 10000 - sum(tenk)
    return ["%d.%04d" % (t // 10000, t % 10000) for t in tenk]


def pick_annotators(rng, pool, weights, n):
    chosen = []
    while len(chosen) < n:
        a = rng.choices(pool, weights)[0]
        if a not in chosen:
            chosen.append(a)
    return chosen


def unique(items):
    seen = set()
    out = []
    for it in items:
        if it[0] in seen:
            continue
        seen.add(it[0])
        out.append(it)
    return out


# ---------------------------------------------------------------- sentiment

SENT_ANNOTATORS = ["alice", "bruno", "chen", "dara", "emeka", "farah", "gus", "hana"]
SENT_WEIGHTS = [1.2, 1.0, 1.1, 0.9, 1.0, 0.8, 1.0, 1.0]
SENT_BASE_ERR = {"alice": 0.06, "bruno": 0.10, "chen": 0.08, "dara": 0.14, "emeka": 0.09,
                 "farah": 0.12, "gus": 0.15, "hana": 0.08}
SENT_HARD = {"clear": 1.0, "faint": 2.2, "mixed": 2.8, "comparison": 2.0, "sarcasm": 2.5}


def sent_vote(rng, who, truth, kind):
    t = SENT_LABELS.index(truth)
    if who == "gus" and rng.random() < 0.55:
        return rng.choice(SENT_LABELS)
    if who == "hana":
        if t == 1 and rng.random() < 0.55:
            return "positive"
        if t == 0 and rng.random() < 0.15:
            return "neutral"
    err = min(0.6, SENT_BASE_ERR[who] * SENT_HARD[kind])
    if rng.random() >= err:
        return truth
    if kind == "sarcasm" and t == 0:
        # Read literally: the positive words win.
        return "positive" if rng.random() < 0.5 else "neutral"
    if t == 1:
        return rng.choice(["negative", "positive"])
    return "neutral" if rng.random() < 0.9 else SENT_LABELS[2 - t]


def sent_predict(rng, truth, kind):
    t = SENT_LABELS.index(truth)
    u = rng.random()
    if kind == "sarcasm" and u < 0.6:
        pred, conf = 2, rng.uniform(0.78, 0.96)  # confidently wrong: fooled by the words
    elif kind in ("mixed", "comparison") and u < 0.7:
        pred, conf = (t if rng.random() < 0.55 else rng.choice([j for j in range(3) if j != t]),
                      rng.uniform(0.38, 0.56))
    elif u < 0.04:
        pred, conf = rng.choice([j for j in range(3) if j != t]), rng.uniform(0.8, 0.95)
    elif kind == "faint":
        pred, conf = t, rng.uniform(0.5, 0.8)
    else:
        pred, conf = t, rng.uniform(0.72, 0.98)
    rest = [j for j in range(3) if j != pred]
    near = [abs(j - pred) for j in rest]
    w = [3.0 if d == 1 else 1.0 for d in near]
    share = rng.uniform(0.55, 0.85)
    p = [0.0] * 3
    p[pred] = conf
    if w[0] == w[1]:
        p[rest[0]] = (1 - conf) * share
        p[rest[1]] = (1 - conf) * (1 - share)
    else:
        for j, wj in zip(rest, w):
            p[j] = (1 - conf) * wj / sum(w)
    return p


def build_sentiment(rng, out):
    items = unique(SENT_HAND + sent_templates(rng))
    rng.shuffle(items)
    channels = ["web", "app", "email"]
    item_rows, vote_rows, pred_rows, gold_rows = [], [], [], []
    for i, (text, label, kind) in enumerate(items, 1):
        iid = "r%04d" % i
        gold_rows.append([iid, label, kind])
        product = "other"
        for name, _, _ in SENT_PRODUCTS:
            if name in text.lower():
                product = name
                break
        item_rows.append([iid, text, product, rng.choice(channels)])
        n = rng.choice([3, 3, 3, 4, 4, 5])
        for who in pick_annotators(rng, SENT_ANNOTATORS, SENT_WEIGHTS, n):
            vote_rows.append([iid, who, sent_vote(rng, who, label, kind)])
        pred_rows.append([iid] + probs_row(sent_predict(rng, label, kind)))
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, "items.csv"), ["item", "text", "product", "channel"], item_rows)
    write_csv(os.path.join(out, "votes.csv"), ["item", "annotator", "label"], vote_rows)
    write_csv(os.path.join(out, "predictions.csv"), ["item"] + SENT_LABELS, pred_rows)
    write_csv(os.path.join(out, "gold.csv"), ["item", "label", "kind"], gold_rows)
    return len(item_rows), len(vote_rows)


# --------------------------------------------------------------- moderation

MOD_ANNOTATORS = ["ines", "jamal", "kit", "lee", "maya", "noor", "olek", "pia"]
MOD_WEIGHTS = [1.1, 1.0, 1.0, 1.0, 1.2, 0.9, 1.0, 0.8]
MOD_BASE_ERR = {"ines": 0.05, "jamal": 0.09, "kit": 0.12, "lee": 0.07, "maya": 0.06,
                "noor": 0.11, "olek": 0.08, "pia": 0.10}
# Honest confusions on clear items: which other labels a slip lands on.
MOD_NEAR = {"ok": ["harassment", "spam"], "harassment": ["hate", "ok", "violence"],
            "hate": ["harassment"], "violence": ["harassment"], "self-harm": ["ok", "harassment"],
            "spam": ["ok"]}


def mod_vote(rng, who, truth, tempt):
    if who == "kit" and rng.random() < 0.5:
        return rng.choice(MOD_LABELS)
    if who == "lee":
        if truth == "ok" and tempt and rng.random() < 0.55:
            return tempt
        if truth == "ok" and rng.random() < 0.06:
            return "harassment"
    err = MOD_BASE_ERR[who] * (3.5 if tempt else 1.0)
    if rng.random() >= min(err, 0.55):
        return truth
    if tempt and rng.random() < 0.85:
        return tempt
    return rng.choice(MOD_NEAR[truth])


def mod_predict(rng, truth, tempt):
    t = MOD_LABELS.index(truth)
    u = rng.random()
    if tempt and u < 0.25:
        pred, conf = MOD_LABELS.index(tempt), rng.uniform(0.75, 0.95)
    elif tempt and u < 0.7:
        pred = t if rng.random() < 0.6 else MOD_LABELS.index(tempt)
        conf = rng.uniform(0.35, 0.55)
    elif u < 0.03:
        pred, conf = rng.choice([j for j in range(6) if j != t]), rng.uniform(0.8, 0.95)
    else:
        pred, conf = t, rng.uniform(0.7, 0.99)
    p = [0.0] * 6
    p[pred] = conf
    second = MOD_LABELS.index(tempt) if tempt and MOD_LABELS.index(tempt) != pred else t
    if second == pred:
        second = MOD_LABELS.index(MOD_NEAR[MOD_LABELS[pred]][0])
    rest = 1 - conf
    p[second] = rest * rng.uniform(0.5, 0.8)
    others = [j for j in range(6) if j not in (pred, second)]
    w = [rng.uniform(0.5, 1.5) for _ in others]
    for j, wj in zip(others, w):
        p[j] = (rest - p[second]) * wj / sum(w)
    return p


def build_moderation(rng, out):
    items = unique(MOD_HAND + mod_templates(rng))
    rng.shuffle(items)
    surfaces = ["comment", "post", "dm", "profile"]
    item_rows, vote_rows, pred_rows, gold_rows = [], [], [], []
    for i, (text, label, tempt) in enumerate(items, 1):
        iid = "m%04d" % i
        gold_rows.append([iid, label, tempt or ""])
        item_rows.append([iid, text, rng.choice(surfaces), "edge" if tempt else "plain"])
        n = rng.choice([3, 3, 4, 4, 5])
        for who in pick_annotators(rng, MOD_ANNOTATORS, MOD_WEIGHTS, n):
            vote_rows.append([iid, who, mod_vote(rng, who, label, tempt)])
        pred_rows.append([iid] + probs_row(mod_predict(rng, label, tempt)))
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, "items.csv"), ["item", "text", "surface", "case"], item_rows)
    write_csv(os.path.join(out, "votes.csv"), ["item", "annotator", "label"], vote_rows)
    write_csv(os.path.join(out, "predictions.csv"), ["item"] + MOD_LABELS, pred_rows)
    write_csv(os.path.join(out, "gold.csv"), ["item", "label", "tempting"], gold_rows)
    return len(item_rows), len(vote_rows)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = random.Random(SEED)
    n, v = build_sentiment(rng, os.path.join(out, "sentiment"))
    print("sentiment: %d items, %d votes" % (n, v))
    n, v = build_moderation(rng, os.path.join(out, "moderation"))
    print("moderation: %d items, %d votes" % (n, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
